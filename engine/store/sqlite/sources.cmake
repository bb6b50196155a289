target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/SqliteLibrary.h
    ${CMAKE_CURRENT_LIST_DIR}/SqliteLibrary.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SqliteDatabase.h
    ${CMAKE_CURRENT_LIST_DIR}/SqliteDatabase.cpp
    ${CMAKE_CURRENT_LIST_DIR}/AlchemySchema.h
    ${CMAKE_CURRENT_LIST_DIR}/AlchemySchema.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ConnectionPool.h
    ${CMAKE_CURRENT_LIST_DIR}/ConnectionPool.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SqliteRecord.h
    ${CMAKE_CURRENT_LIST_DIR}/SqliteRecord.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SqliteStateStore.h
    ${CMAKE_CURRENT_LIST_DIR}/SqliteStateStore.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SqliteSource.h
    ${CMAKE_CURRENT_LIST_DIR}/SqliteSource.cpp
)
