// log_stall_bench: streams 100,000 log lines through the deploy console's real path (engine EventSink on a
// worker thread -> EventBatcher -> RunController formatting -> LogModel ring buffer -> filter proxy -> shown
// LogListView) and measures the longest GUI-thread stall with a 1 ms timer. Goal: <= 50 ms.
//
//   log_stall_bench [LINES]      (runs on the offscreen platform unless QT_QPA_PLATFORM is set)
#include "deploy/EventBatcher.h"
#include "deploy/RunController.h"
#include "log/LogModel.h"
#include "log/LogPane.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

using namespace athanor::ui;

namespace {

struct Figures {
    double maxGapMs = 0;
    double p99GapMs = 0;
    int over16 = 0;
    int over50 = 0;
    double produceMs = 0;
    double drainMs = 0; // first line sent -> last line in the model
    int rows = 0;
};

// One scenario: `lines` log events from a producer thread, at `perSecond` (0 = as fast as possible).
Figures run(int lines, int perSecond, const QString& filter) {
    RunController controller;
    LogPane pane(controller.logModel());
    pane.resize(1200, 700);
    pane.show();
    if (!filter.isEmpty())
        pane.setFilterText(filter);
    QApplication::processEvents();

    std::vector<double> gaps;
    gaps.reserve(200000);
    QElapsedTimer clock;
    clock.start();
    qint64 last = clock.nsecsElapsed();
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(1);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        gaps.push_back(double(now - last) / 1e6);
        last = now;
    });
    tick.start();

    std::atomic<bool> produced{false};
    QElapsedTimer total;
    total.start();
    double produceMs = 0;
    std::thread producer([&] {
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < lines; ++i) {
            athanor::EngineEvent e;
            e.type = athanor::EventType::Log;
            e.level = i % 97 == 0 ? athanor::LogLevel::Warn
                                  : (i % 211 == 0 ? athanor::LogLevel::Error : athanor::LogLevel::Info);
            e.fqn = "bench/dev/service-" + std::to_string(i % 50);
            e.message = "step " + std::to_string(i) + ": compiled module " + std::to_string(i * 7 % 1000) +
                        " in 12 ms, cache hit ratio 0.93, artifacts written to dist/chunk-" +
                        std::to_string(i % 300);
            controller.batcher()->onEvent(e);
            if (perSecond > 0 && i % 100 == 99) {
                const auto due = start + std::chrono::microseconds(int64_t(i + 1) * 1000000 / perSecond);
                std::this_thread::sleep_until(due);
            }
        }
        produceMs = double(std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - start)
                               .count()) /
                    1000.0;
        produced = true;
    });

    // Done when the producer has finished and the batcher has delivered everything it was given.
    while (!(produced && controller.batcher()->isIdle()))
        QApplication::processEvents(QEventLoop::AllEvents, 5);
    const double drainMs = double(total.nsecsElapsed()) / 1e6;
    // A little more time so the final repaint is measured too.
    QElapsedTimer tail;
    tail.start();
    while (tail.elapsed() < 300)
        QApplication::processEvents(QEventLoop::AllEvents, 5);
    tick.stop();
    producer.join();

    Figures f;
    if (gaps.size() > 1) {
        gaps.erase(gaps.begin()); // the first gap includes the setup
        std::vector<double> sorted = gaps;
        std::sort(sorted.begin(), sorted.end());
        f.maxGapMs = sorted.back();
        f.p99GapMs = sorted[std::size_t(double(sorted.size() - 1) * 0.99)];
        f.over16 = int(std::count_if(gaps.begin(), gaps.end(), [](double g) { return g > 16; }));
        f.over50 = int(std::count_if(gaps.begin(), gaps.end(), [](double g) { return g > 50; }));
    }
    f.produceMs = produceMs;
    f.drainMs = drainMs;
    f.rows = controller.logModel()->rowCount();
    return f;
}

void print(const char* name, const Figures& f) {
    std::printf("%-40s rows %6d  produced %8.1f ms  shown after %8.1f ms  max stall %6.1f ms  p99 %5.1f ms  "
                ">16ms %3d  >50ms %3d  %s\n",
                name, f.rows, f.produceMs, f.drainMs, f.maxGapMs, f.p99GapMs, f.over16, f.over50,
                f.maxGapMs <= 50 ? "OK" : "OVER GOAL");
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int lines = argc > 1 ? std::max(1, std::atoi(argv[1])) : 100000;
    std::printf("log_stall_bench: %d lines per scenario, goal: longest GUI-thread stall <= 50 ms\n", lines);
    print("burst, no filter", run(lines, 0, QString()));
    print("burst, text filter 'module 7' + highlight", run(lines, 0, QStringLiteral("module 7")));
    print("paced 50,000 lines/s, no filter", run(lines, 50000, QString()));
    print("burst, twice the ring capacity", run(lines * 2, 0, QString()));
    return 0;
}
