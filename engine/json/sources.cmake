target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/Json.h
    ${CMAKE_CURRENT_LIST_DIR}/JsJsonText.h
    ${CMAKE_CURRENT_LIST_DIR}/JsJsonText.cpp
    ${CMAKE_CURRENT_LIST_DIR}/JsonParse.h
    ${CMAKE_CURRENT_LIST_DIR}/JsonParse.cpp
    ${CMAKE_CURRENT_LIST_DIR}/JsonNumber.h
    ${CMAKE_CURRENT_LIST_DIR}/JsonNumber.cpp
    ${CMAKE_CURRENT_LIST_DIR}/JsonPointer.h
    ${CMAKE_CURRENT_LIST_DIR}/JsonPointer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/Utf8.h
    ${CMAKE_CURRENT_LIST_DIR}/Utf8.cpp
)
