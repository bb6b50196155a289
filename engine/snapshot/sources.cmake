target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/StateSnapshot.h
    ${CMAKE_CURRENT_LIST_DIR}/StateSnapshot.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SnapshotLoader.h
    ${CMAKE_CURRENT_LIST_DIR}/SnapshotLoader.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SnapshotTree.h
    ${CMAKE_CURRENT_LIST_DIR}/SnapshotTree.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SortedRuns.h
    ${CMAKE_CURRENT_LIST_DIR}/LoadSnapshot.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SecretCount.h
    ${CMAKE_CURRENT_LIST_DIR}/SecretCount.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RecordValidator.h
    ${CMAKE_CURRENT_LIST_DIR}/RecordValidator.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SnapshotPlacement.h
    ${CMAKE_CURRENT_LIST_DIR}/SnapshotPlacement.cpp
)
