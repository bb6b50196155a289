target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/SerdeTag.h
    ${CMAKE_CURRENT_LIST_DIR}/SerdeTag.cpp
    ${CMAKE_CURRENT_LIST_DIR}/BufferTag.h
    ${CMAKE_CURRENT_LIST_DIR}/BufferTag.cpp
    ${CMAKE_CURRENT_LIST_DIR}/PlainForms.h
    ${CMAKE_CURRENT_LIST_DIR}/PlainForms.cpp
)
