target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/S3Xml.h
    ${CMAKE_CURRENT_LIST_DIR}/S3Xml.cpp
    ${CMAKE_CURRENT_LIST_DIR}/S3Config.h
    ${CMAKE_CURRENT_LIST_DIR}/S3Config.cpp
    ${CMAKE_CURRENT_LIST_DIR}/S3Keys.h
    ${CMAKE_CURRENT_LIST_DIR}/S3Keys.cpp
    ${CMAKE_CURRENT_LIST_DIR}/S3Client.h
    ${CMAKE_CURRENT_LIST_DIR}/S3Client.cpp
)
