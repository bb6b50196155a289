target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/Provider.h
    ${CMAKE_CURRENT_LIST_DIR}/ProviderRegistry.cpp
    ${CMAKE_CURRENT_LIST_DIR}/PlainJson.h
    ${CMAKE_CURRENT_LIST_DIR}/PlainJson.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ChildProcess.h
    ${CMAKE_CURRENT_LIST_DIR}/ChildProcess.cpp
    ${CMAKE_CURRENT_LIST_DIR}/PatternHash.h
    ${CMAKE_CURRENT_LIST_DIR}/PatternHash.cpp
    ${CMAKE_CURRENT_LIST_DIR}/BuiltinProviders.h
    ${CMAKE_CURRENT_LIST_DIR}/FsProviders.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ExecProvider.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RandomStringProvider.cpp
    ${CMAKE_CURRENT_LIST_DIR}/CommandProvider.cpp
)
