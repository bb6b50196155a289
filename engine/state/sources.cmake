target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/ResourceStatus.h
    ${CMAKE_CURRENT_LIST_DIR}/ResourceStatus.cpp
    ${CMAKE_CURRENT_LIST_DIR}/StateRecord.h
    ${CMAKE_CURRENT_LIST_DIR}/StateRecord.cpp
    ${CMAKE_CURRENT_LIST_DIR}/UtcTime.h
    ${CMAKE_CURRENT_LIST_DIR}/UtcTime.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RecordKey.h
    ${CMAKE_CURRENT_LIST_DIR}/RecordKey.cpp
)
