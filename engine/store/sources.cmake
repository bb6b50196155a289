target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/ObservedStateStore.h
    ${CMAKE_CURRENT_LIST_DIR}/StateStore.h
    ${CMAKE_CURRENT_LIST_DIR}/StateStore.cpp
    ${CMAKE_CURRENT_LIST_DIR}/StoreError.h
    ${CMAKE_CURRENT_LIST_DIR}/IdCodec.h
    ${CMAKE_CURRENT_LIST_DIR}/IdCodec.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RecordLocation.h
    ${CMAKE_CURRENT_LIST_DIR}/RecordLocation.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ProcessIdentity.h
    ${CMAKE_CURRENT_LIST_DIR}/ProcessIdentity.cpp
    ${CMAKE_CURRENT_LIST_DIR}/AtomicFile.h
    ${CMAKE_CURRENT_LIST_DIR}/AtomicFile.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DotAlchemyLayout.h
    ${CMAKE_CURRENT_LIST_DIR}/DotAlchemyLayout.cpp
    ${CMAKE_CURRENT_LIST_DIR}/FileSystemStateStore.h
    ${CMAKE_CURRENT_LIST_DIR}/FileSystemStateStore.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RecordParse.h
    ${CMAKE_CURRENT_LIST_DIR}/RecordParse.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RecordParseDom.h
    ${CMAKE_CURRENT_LIST_DIR}/SourceSpec.h
    ${CMAKE_CURRENT_LIST_DIR}/SourceSpec.cpp
    ${CMAKE_CURRENT_LIST_DIR}/StageLease.h
    ${CMAKE_CURRENT_LIST_DIR}/StageLease.cpp
    ${CMAKE_CURRENT_LIST_DIR}/StateSource.h
    ${CMAKE_CURRENT_LIST_DIR}/StateSource.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RemoteAccess.h
    ${CMAKE_CURRENT_LIST_DIR}/RemoteAccess.cpp
    # Backends and the factory build snapshots: they sit after snapshot/ in the layer order.
    ${CMAKE_CURRENT_LIST_DIR}/StateSources.h
    ${CMAKE_CURRENT_LIST_DIR}/StateSources.cpp
)
include(${CMAKE_CURRENT_LIST_DIR}/folder/sources.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/sqlite/sources.cmake)
# Remote stores: the shared HTTP layer (libcurl), then one folder per backend.
include(${CMAKE_CURRENT_LIST_DIR}/http/sources.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/cloudflare/sources.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/s3/sources.cmake)
