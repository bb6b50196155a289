target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/StateCommands.h
    ${CMAKE_CURRENT_LIST_DIR}/StateCommands.cpp
    ${CMAKE_CURRENT_LIST_DIR}/StateMigration.h
    ${CMAKE_CURRENT_LIST_DIR}/StateMigration.cpp
    ${CMAKE_CURRENT_LIST_DIR}/MigrateCommand.cpp
)
