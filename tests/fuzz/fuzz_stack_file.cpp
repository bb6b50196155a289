// Stack files: any text is a StackFile or a StackError naming the file (never another exception, never a
// crash); errors keep their reason whole (no raw control character cuts them).
#include "FuzzSupport.h"
#include "stack/StackLoader.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace athanor;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::filesystem::path file =
        std::filesystem::temp_directory_path() / ("athanor-fuzz-stack-" + std::to_string(getpid()) + ".json");
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        const StackFile stack = loadStackFile(file);
        (void)stack;
    } catch (const StackError& e) {
        const std::string what = e.what();
        if (what.rfind(file.string() + ": ", 0) != 0)
            fuzz::fail("a stack error starts with the file", what, file.string());
        for (const char c : what)
            if (static_cast<unsigned char>(c) < 0x20)
                fuzz::fail("a stack error has no raw control character", what, "");
    }
    return 0;
}
