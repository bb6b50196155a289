#include "app/Application.h"

int main(int argc, char** argv) {
    return athanor::ui::runApplication(argc, argv);
}
