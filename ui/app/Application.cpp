#include "app/Application.h"

#include "app/MainWindow.h"
#include "app/Theme.h"
#include "deploy/DeployConsoleHost.h"
#include "inspector/DetailsPane.h"
#include "inspector/ScopeTreeView.h"
#include "models/JsonTreeModel.h"
#include "models/StateTreeModel.h"
#include "secrets/SecretVault.h"
#include "widgets/FilterBar.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QPixmap>
#include <QSettings>
#include <QTabWidget>
#include <QTextStream>
#include <QTimer>
#include <cstdio>
#include <iostream>
#include <string>

// Outside any namespace, as Q_INIT_RESOURCE requires; the resources live in the static athanor_ui library.
static void initAthanorResources() {
    Q_INIT_RESOURCE(athanor);
}

namespace athanor::ui {

namespace {

// A path that openProject() may open as a folder source (not sqlite:, cloudflare: or s3://). Whether it is a
// folder is not looked at here, on the GUI thread (a dead network mount would hang the start): openProject()
// finds out off-thread, and a prepared load of something else is dropped.
bool isFolderToOpen(const QString& path) {
    if (path.isEmpty())
        return false;
    for (const char* scheme : {"sqlite:", "cloudflare:", "s3://"})
        if (path.startsWith(QLatin1String(scheme)))
            return false;
    return true;
}

int tabFromName(const QString& name) {
    static const QStringList names{QStringLiteral("props"), QStringLiteral("output"), QStringLiteral("data"),
                                   QStringLiteral("changes"), QStringLiteral("raw")};
    return static_cast<int>(names.indexOf(name.toLower()));
}

// The start-up options that act on the loaded tree (--select, --tab, --filter, --unlock-stdin) and the
// scripted modes: waits until the requested things are on screen, then acts once.
class ScriptedRun : public QObject {
public:
    ScriptedRun(MainWindow* window, const QCommandLineParser& args, QElapsedTimer started)
        : QObject(window), m_window(window), m_started(started) {
        m_select = args.value(QStringLiteral("select"));
        m_tab = args.isSet(QStringLiteral("tab")) ? tabFromName(args.value(QStringLiteral("tab"))) : -1;
        m_filter = args.value(QStringLiteral("filter"));
        m_screenshot = args.value(QStringLiteral("screenshot"));
        m_exitWhenLoaded = args.isSet(QStringLiteral("exit-when-loaded"));
        m_unlock = args.isSet(QStringLiteral("unlock-stdin"));
        m_revealAll = args.isSet(QStringLiteral("reveal-all"));
        connect(window, &MainWindow::treeShown, this, &ScriptedRun::onTreeShown);
        connect(window, &MainWindow::hierarchyShown, this, [this] {
            if (!m_exitWhenLoaded)
                return;
            const auto index = m_window->treeModel()->stateIndex();
            std::printf("athanor: tree shown %lld ms after start (%zu records, %zu read)\n",
                        static_cast<long long>(m_started.elapsed()),
                        index ? index->snapshot->records.size() : size_t(0),
                        index ? (index->loading() ? index->loadedRecords() : index->snapshot->records.size())
                              : size_t(0));
            std::fflush(stdout);
        });
        if (!m_screenshot.isEmpty() && !m_exitWhenLoaded)
            QTimer::singleShot(2500, this, &ScriptedRun::onTreeShown); // an empty state never shows a tree
    }

private:
    void onTreeShown() {
        if (m_done)
            return;
        if (m_exitWhenLoaded) {
            m_done = true;
            const auto index = m_window->treeModel()->stateIndex();
            std::printf("athanor: all records loaded %lld ms after start (%zu records, snapshot %lld ms)\n",
                        static_cast<long long>(m_started.elapsed()),
                        index ? index->snapshot->records.size() : size_t(0),
                        static_cast<long long>(index ? index->loadMs : 0));
            std::fflush(stdout);
            QTimer::singleShot(0, qApp, &QCoreApplication::quit);
            return;
        }
        m_done = true; // --select, --tab, --filter and --unlock-stdin apply once, screenshot or not
        if (!m_filter.isEmpty()) {
            m_window->filterBar()->searchEdit()->setText(m_filter);
            m_window->filterBar()->applyNow();
        }
        if (!m_select.isEmpty())
            m_window->selectFqn(m_select);
        if (m_unlock) {
            // Passwords from stdin, one per line; each goes straight into wiped memory.
            std::string line;
            while (std::getline(std::cin, line)) {
                if (!line.empty())
                    m_window->vault()->addPassword(SecureString(line));
                std::fill(line.begin(), line.end(), '\0');
            }
        }
        if (m_tab >= 0)
            m_window->details()->tabs()->setCurrentIndex(m_tab);
        if (m_screenshot.isEmpty())
            return;
        m_poll.setInterval(100);
        connect(&m_poll, &QTimer::timeout, this, &ScriptedRun::maybeShoot);
        m_poll.start();
    }

    void maybeShoot() {
        const bool detailsReady =
            m_select.isEmpty() || m_window->details()->isShowingSummary() ||
            (m_window->details()->document() && m_window->details()->document()->fqn == m_select);
        const bool secretsReady = !m_unlock || !m_window->vault()->isBusy();
        if ((!detailsReady || !secretsReady) && ++m_waits < 150)
            return;
        m_poll.stop();
        if (m_revealAll)
            for (int t = DetailsPane::PropsTab; t <= DetailsPane::DataTab; ++t)
                if (JsonTreeView* v = m_window->details()->view(static_cast<DetailsPane::Tab>(t)))
                    v->jsonModel()->setRevealAll(true);
        // Let the last layout and paint settle before grabbing.
        QTimer::singleShot(400, this, [this] {
            const bool ok = m_window->grab().save(m_screenshot, "PNG");
            std::fprintf(ok ? stdout : stderr, "athanor: %s %s\n", ok ? "saved" : "could not save",
                         m_screenshot.toLocal8Bit().constData());
            QCoreApplication::exit(ok ? 0 : 1);
        });
    }

    MainWindow* m_window;
    QElapsedTimer m_started;
    QString m_select, m_filter, m_screenshot;
    int m_tab = -1;
    bool m_exitWhenLoaded = false, m_unlock = false, m_revealAll = false, m_done = false;
    int m_waits = 0;
    QTimer m_poll;
};

} // namespace

void initResources() {
    initAthanorResources();
}

void setApplicationIdentity() {
    QCoreApplication::setOrganizationName(QStringLiteral("Athanor"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("athanor.org"));
    QCoreApplication::setApplicationName(QStringLiteral("Athanor"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ATHANOR_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("org.athanor.Athanor"));
}

void describeCommandLine(QCommandLineParser& parser) {
    parser.setApplicationDescription(QStringLiteral("State inspector and deploy console for Alchemy."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("dir"),
        QStringLiteral("A project folder, a .alchemy folder, or sqlite:PATH (Alchemy's SQLite state)."),
        QStringLiteral("[DIR]"));
    parser.addOptions({
        {QStringLiteral("theme"), QStringLiteral("Palette: light or dark."), QStringLiteral("name")},
        {QStringLiteral("select"), QStringLiteral("Select this FQN once loaded."), QStringLiteral("fqn")},
        {QStringLiteral("tab"), QStringLiteral("Details tab: props, output, data, changes, raw."),
         QStringLiteral("name")},
        {QStringLiteral("filter"), QStringLiteral("Initial filter text."), QStringLiteral("text")},
        {QStringLiteral("unlock-stdin"), QStringLiteral("Read passwords from standard input, one per line.")},
        {QStringLiteral("reveal-all"), QStringLiteral("Show opened secrets in plain text.")},
        {QStringLiteral("screenshot"), QStringLiteral("Save a PNG of the window, then exit."),
         QStringLiteral("file")},
        {QStringLiteral("exit-when-loaded"),
         QStringLiteral("Print the times to the tree shown and to every record loaded, then exit.")},
        {QStringLiteral("size"), QStringLiteral("Window size, e.g. 1400x900."), QStringLiteral("WxH")},
        {QStringLiteral("read-only"), QStringLiteral("Deploy console without Up and Destroy.")},
    });
}

int runApplication(int argc, char** argv) {
    QElapsedTimer started;
    started.start();
    QApplication app(argc, argv);
    setApplicationIdentity();
    initResources();
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/athanor.svg")));

    QCommandLineParser args;
    describeCommandLine(args);
    args.process(app);

    Theme theme;
    const bool platformDark = QApplication::palette().color(QPalette::Window).lightnessF() < 0.5;
    const Theme::Mode remembered = Theme::parse(QSettings().value(QStringLiteral("theme")).toString(),
                                                platformDark ? Theme::Mode::Dark : Theme::Mode::Light);
    theme.apply(Theme::parse(args.value(QStringLiteral("theme")), remembered));

    // A folder to open starts loading now, while the window is built.
    const QString opening =
        args.positionalArguments().isEmpty() ? QString() : args.positionalArguments().constFirst();
    MainWindow window(&theme, isFolderToOpen(opening) ? opening : QString());
    installDeployConsole(&window, args.isSet(QStringLiteral("read-only")));
    const bool scripted =
        args.isSet(QStringLiteral("screenshot")) || args.isSet(QStringLiteral("exit-when-loaded"));
    if (args.isSet(QStringLiteral("size"))) {
        const QStringList wh = args.value(QStringLiteral("size")).split(QLatin1Char('x'));
        if (wh.size() == 2)
            window.resize(wh[0].toInt(), wh[1].toInt());
    } else if (scripted) {
        window.resize(1400, 900);
    }
    new ScriptedRun(&window, args, started);
    window.show();
    if (!args.positionalArguments().isEmpty())
        window.openProject(args.positionalArguments().constFirst());
    return app.exec();
}

} // namespace athanor::ui
