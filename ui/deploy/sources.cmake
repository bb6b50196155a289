# Deploy console: controls, the worker-thread run controller, task list, plan / destroy confirmations,
# outputs, run history.
target_sources(athanor_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/DeployRequest.h
    ${CMAKE_CURRENT_LIST_DIR}/RunOutcome.h
    ${CMAKE_CURRENT_LIST_DIR}/RunOutcome.cpp
    ${CMAKE_CURRENT_LIST_DIR}/StageNames.h
    ${CMAKE_CURRENT_LIST_DIR}/StageNames.cpp
    ${CMAKE_CURRENT_LIST_DIR}/EventLogFormat.h
    ${CMAKE_CURRENT_LIST_DIR}/EventLogFormat.cpp
    ${CMAKE_CURRENT_LIST_DIR}/EventBatcher.h
    ${CMAKE_CURRENT_LIST_DIR}/EventBatcher.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RunLogFile.h
    ${CMAKE_CURRENT_LIST_DIR}/RunLogFile.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RunHistoryEntry.h
    ${CMAKE_CURRENT_LIST_DIR}/RunHistoryStore.h
    ${CMAKE_CURRENT_LIST_DIR}/RunHistoryStore.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RunHistoryModel.h
    ${CMAKE_CURRENT_LIST_DIR}/RunHistoryModel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/TaskListModel.h
    ${CMAKE_CURRENT_LIST_DIR}/TaskListModel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/OutputsModel.h
    ${CMAKE_CURRENT_LIST_DIR}/OutputsModel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RunController.h
    ${CMAKE_CURRENT_LIST_DIR}/RunController.cpp
    ${CMAKE_CURRENT_LIST_DIR}/PlanDialog.h
    ${CMAKE_CURRENT_LIST_DIR}/PlanDialog.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DestroyConfirmDialog.h
    ${CMAKE_CURRENT_LIST_DIR}/DestroyConfirmDialog.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RunSummaryWidget.h
    ${CMAKE_CURRENT_LIST_DIR}/RunSummaryWidget.cpp
    ${CMAKE_CURRENT_LIST_DIR}/RunTargetWidget.h
    ${CMAKE_CURRENT_LIST_DIR}/RunTargetWidget.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DeployConsole.h
    ${CMAKE_CURRENT_LIST_DIR}/DeployConsole.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DeployConsoleHost.h
    ${CMAKE_CURRENT_LIST_DIR}/DeployConsoleHost.cpp
)
