target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/RecordVersions.h
    ${CMAKE_CURRENT_LIST_DIR}/RecordVersions.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RunBeforeImages.h
    ${CMAKE_CURRENT_LIST_DIR}/RunBeforeImages.cpp
)
