# Log pane: ring-buffer model, level/text filter proxy, highlighting delegate, view, spdlog sink.
target_sources(athanor_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/LogEntry.h
    ${CMAKE_CURRENT_LIST_DIR}/LogRingBuffer.h
    ${CMAKE_CURRENT_LIST_DIR}/LogLevelStyle.h
    ${CMAKE_CURRENT_LIST_DIR}/LogLevelStyle.cpp
    ${CMAKE_CURRENT_LIST_DIR}/LogModel.h
    ${CMAKE_CURRENT_LIST_DIR}/LogModel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/LogFilterProxyModel.h
    ${CMAKE_CURRENT_LIST_DIR}/LogFilterProxyModel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/LogItemDelegate.h
    ${CMAKE_CURRENT_LIST_DIR}/LogItemDelegate.cpp
    ${CMAKE_CURRENT_LIST_DIR}/LogListView.h
    ${CMAKE_CURRENT_LIST_DIR}/LogListView.cpp
    ${CMAKE_CURRENT_LIST_DIR}/LogPane.h
    ${CMAKE_CURRENT_LIST_DIR}/LogPane.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SpdlogForwardSink.h
    ${CMAKE_CURRENT_LIST_DIR}/SpdlogForwardSink.cpp
)
