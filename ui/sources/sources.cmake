# State sources in the GUI: choosing one to open, copying state between two (ui/sources).
target_sources(athanor_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/SourcePicker.h ${CMAKE_CURRENT_LIST_DIR}/SourcePicker.cpp
    ${CMAKE_CURRENT_LIST_DIR}/OpenSourceDialog.h ${CMAKE_CURRENT_LIST_DIR}/OpenSourceDialog.cpp
    ${CMAKE_CURRENT_LIST_DIR}/StateCopyJob.h ${CMAKE_CURRENT_LIST_DIR}/StateCopyJob.cpp
    ${CMAKE_CURRENT_LIST_DIR}/CopyStateDialog.h ${CMAKE_CURRENT_LIST_DIR}/CopyStateDialog.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SourceBanner.h ${CMAKE_CURRENT_LIST_DIR}/SourceBanner.cpp
    ${CMAKE_CURRENT_LIST_DIR}/CredentialKeychain.h ${CMAKE_CURRENT_LIST_DIR}/CredentialKeychain.cpp
)
