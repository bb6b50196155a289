target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/EngineEvent.h
    ${CMAKE_CURRENT_LIST_DIR}/EngineEvent.cpp
    ${CMAKE_CURRENT_LIST_DIR}/EventJson.h
    ${CMAKE_CURRENT_LIST_DIR}/EventJson.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ConsoleFormatter.h
    ${CMAKE_CURRENT_LIST_DIR}/ConsoleFormatter.cpp
)
