target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/WorkerClient.h
    ${CMAKE_CURRENT_LIST_DIR}/WorkerClient.cpp
    ${CMAKE_CURRENT_LIST_DIR}/CloudflareRecord.h
    ${CMAKE_CURRENT_LIST_DIR}/CloudflareRecord.cpp
    ${CMAKE_CURRENT_LIST_DIR}/CloudflareStateStore.h
    ${CMAKE_CURRENT_LIST_DIR}/CloudflareStateStore.cpp
    ${CMAKE_CURRENT_LIST_DIR}/CloudflareSource.h
    ${CMAKE_CURRENT_LIST_DIR}/CloudflareSource.cpp
)
