#pragma once

#include "providers/Provider.h"

#include <memory>

namespace athanor {

// The built-in kinds, with Alchemy 0.94.0's props, outputs and output key order (reference §12). Relative
// paths resolve against ProviderContext::workingDirectory() (the stack file's folder), not the process's cwd.

// fs::File {path?, content} -> {path, content}. path defaults to the id.
std::unique_ptr<Provider> makeFileProvider();
// fs::Folder {path?, delete?, clean?, recursive?} -> {path}. Athanor difference: deleting a folder that is
// not empty without clean: true leaves it in place with a warning (Node fails with ERR_FS_EISDIR, §14.13).
std::unique_ptr<Provider> makeFolderProvider();
// fs::CopyFile {src, dest, overwrite?} -> {src, dest, overwrite, copied, createdAt}.
std::unique_ptr<Provider> makeCopyFileProvider();
// os::Exec {command, memoize?, cwd?, env?, inheritStdio?} -> {id, command, cwd, env, memoize, inheritStdio,
// exitCode, stdout, stderr, executedAt, completed, hash}. Always updated. Athanor difference: a command
// killed by a signal is a failure (Alchemy counts it as exit code 0, §14.13).
std::unique_ptr<Provider> makeExecProvider();
// random::String {length?, encoding?} -> {length, encoding, value: secret}.
std::unique_ptr<Provider> makeRandomStringProvider();
// athanor::Command: Athanor's generic "anything with a command line" resource (see CommandProvider.cpp).
std::unique_ptr<Provider> makeCommandProvider();

} // namespace athanor
