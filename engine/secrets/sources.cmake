target_sources(athanor_engine PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/SecureString.h
    ${CMAKE_CURRENT_LIST_DIR}/SecureString.cpp
    ${CMAKE_CURRENT_LIST_DIR}/PasswordRing.h
    ${CMAKE_CURRENT_LIST_DIR}/PasswordRing.cpp
    ${CMAKE_CURRENT_LIST_DIR}/Sha256.h
    ${CMAKE_CURRENT_LIST_DIR}/Sha256.cpp
    ${CMAKE_CURRENT_LIST_DIR}/Base64.h
    ${CMAKE_CURRENT_LIST_DIR}/Base64.cpp
    ${CMAKE_CURRENT_LIST_DIR}/OpenSslLibrary.h
    ${CMAKE_CURRENT_LIST_DIR}/OpenSslLibrary.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SecretCipher.h
    ${CMAKE_CURRENT_LIST_DIR}/SecretCipher.cpp
    ${CMAKE_CURRENT_LIST_DIR}/SecretWalker.h
    ${CMAKE_CURRENT_LIST_DIR}/SecretWalker.cpp
)
