target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/StateStore.h
    ${CMAKE_CURRENT_LIST_DIR}/StoreError.h
    ${CMAKE_CURRENT_LIST_DIR}/IdCodec.h
    ${CMAKE_CURRENT_LIST_DIR}/IdCodec.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RecordLocation.h
    ${CMAKE_CURRENT_LIST_DIR}/RecordLocation.cpp
    ${CMAKE_CURRENT_LIST_DIR}/AtomicFile.h
    ${CMAKE_CURRENT_LIST_DIR}/AtomicFile.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DotAlchemyLayout.h
    ${CMAKE_CURRENT_LIST_DIR}/DotAlchemyLayout.cpp
    ${CMAKE_CURRENT_LIST_DIR}/FileSystemStateStore.h
    ${CMAKE_CURRENT_LIST_DIR}/FileSystemStateStore.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RecordParse.h
    ${CMAKE_CURRENT_LIST_DIR}/RecordParse.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RecordParseDom.h
)
