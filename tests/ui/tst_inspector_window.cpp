// The inspector window end to end: opening real state, the secrets dialog, live reload, unreadable records.
#include "UiTestUtil.h"
#include "app/Application.h"
#include "app/MainWindow.h"
#include "app/RecentProjects.h"
#include "app/Theme.h"
#include "inspector/DetailsPane.h"
#include "inspector/RecordHeader.h"
#include "inspector/ScopeSummaryView.h"
#include "inspector/ScopeTreeView.h"
#include "models/JsonTreeModel.h"
#include "models/StateFilterProxyModel.h"
#include "models/StateTreeModel.h"
#include "secrets/SecretClipboard.h"
#include "secrets/SecretVault.h"
#include "secrets/UnlockDialog.h"
#include "state/StateSession.h"
#include "widgets/EmptyStatePage.h"
#include "widgets/FilterBar.h"
#include "widgets/ThemeColors.h"

#include "json/JsonParse.h"
#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QToolBar>
#include <QToolButton>
#include <QtTest>
#include <functional>

using namespace athanor;
using namespace athanor::ui;

namespace {
constexpr int kTimeout = 15000;

struct SecretRow {
    QString file; // relative to the step folder's .alchemy
    QString pointer;
    QString plaintext;
};

// secrets-plaintext.tsv rows of one step, e.g. "secrets/01-up".
QList<SecretRow> secretsOf(const QString& step) {
    QList<SecretRow> rows;
    const QList<QByteArray> lines =
        test::readFile(test::fixture(QStringLiteral("secrets-plaintext.tsv"))).split('\n');
    const QString prefix = step + QStringLiteral("/.alchemy/");
    for (const QByteArray& line : lines.mid(1)) {
        const QList<QByteArray> cols = line.split('\t');
        if (cols.size() < 4 || !QString::fromUtf8(cols[0]).startsWith(prefix))
            continue;
        const Json plain = parseJsonText(cols[3].toStdString());
        rows.push_back({QString::fromUtf8(cols[0]).mid(prefix.size()), QString::fromUtf8(cols[1]),
                        QString::fromStdString(plain.get<std::string>())});
    }
    return rows;
}
} // namespace

class TestInspectorWindow : public QObject {
    Q_OBJECT

    std::unique_ptr<Theme> m_theme;

    std::unique_ptr<MainWindow> openWindow(const QString& path) {
        auto window = test::shownWindow(m_theme.get(), {1200, 800});
        QSignalSpy shown(window.get(), &MainWindow::treeShown);
        window->openProject(path);
        if (!shown.wait(kTimeout))
            return nullptr;
        return window;
    }

    // Drags `url` onto the window and drops it there, as a file manager would; false when the window
    // refused the drag or the drop.
    static bool dragAndDrop(QWidget* window, const QUrl& url) {
        QMimeData mime;
        mime.setUrls({url});
        const QPoint at = window->rect().center();
        QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(window, &enter);
        if (!enter.isAccepted())
            return false;
        QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(window, &drop);
        return drop.isAccepted();
    }

    // Presses a button that opens the password dialog and runs `script` on the dialog while it is open; a
    // dialog the script leaves open is cancelled, so a failing script cannot hang the test.
    static void withUnlockDialog(QPushButton* button, const std::function<void(UnlockDialog*)>& script) {
        bool seen = false;
        QTimer::singleShot(0, [&] {
            auto* dialog = qobject_cast<UnlockDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            QCOMPARE(dialog->passwordEdit()->echoMode(), QLineEdit::Password);
            seen = true;
            script(dialog);
            if (dialog->isVisible())
                dialog->reject();
        });
        button->click();
        QVERIFY(seen);
    }

    static void typeAndConfirm(UnlockDialog* dialog, const QString& password) {
        QTest::keyClicks(dialog->passwordEdit(), password);
        QVERIFY(dialog->unlockButton()->isEnabled());
        dialog->unlockButton()->click();
        QVERIFY(dialog->passwordEdit()->text().isEmpty()); // the dialog keeps no copy
    }

    // Types a password the vault accepts: the dialog closes once the password has opened a secret.
    static void unlockThroughDialog(QPushButton* button, const QString& password) {
        withUnlockDialog(button, [&](UnlockDialog* dialog) {
            typeAndConfirm(dialog, password);
            QTRY_VERIFY_WITH_TIMEOUT(!dialog->isVisible(), 60000);
            QCOMPARE(dialog->result(), int(QDialog::Accepted));
        });
    }

    static QString shownValue(QAbstractItemModel* model, const QString& key) {
        return test::rowNamed(model, key).siblingAtColumn(JsonTreeModel::ValueColumn).data().toString();
    }

    static bool selectAndLoad(MainWindow* window, const QString& fqn) {
        if (!window->selectFqn(fqn))
            return false;
        return QTest::qWaitFor(
            [&] { return window->details()->document() && window->details()->document()->fqn == fqn; },
            kTimeout);
    }

    // Opens the secrets fixture with both passwords given and every secret decrypted.
    std::unique_ptr<MainWindow> openUnlockedSecrets() {
        auto window = openWindow(test::fixture(QStringLiteral("secrets/01-up")));
        if (!window)
            return nullptr;
        SecretVault* vault = window->vault();
        QSignalSpy finished(vault, &SecretVault::decryptionFinished);
        vault->addPassword(SecureString("correct horse battery staple"));
        if (!finished.wait(60000))
            return nullptr;
        vault->addPassword(SecureString("team-scope-password"));
        if (!finished.wait(60000) || vault->lockedCount() != 0)
            return nullptr;
        return window;
    }

    static void openEverything(QAbstractItemModel* model, const QModelIndex& parent = {}) {
        while (model->canFetchMore(parent))
            model->fetchMore(parent);
        for (int row = 0; row < model->rowCount(parent); ++row)
            openEverything(model, model->index(row, 0, parent));
    }

private slots:
    void initTestCase() {
        m_theme = test::startGuiTest(QStringLiteral("tst_inspector_window"));
        m_theme->apply(Theme::Mode::Light);
    }

    void opensFixtureAndShowsDetails() {
        auto window = openWindow(test::fixture(QStringLiteral("app-stages/03-up-dev-again")));
        QVERIFY(window);
        QAbstractItemModelTester tester(window->filterModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(window->isShowingTree());
        QVERIFY(window->findChild<QLabel*>(QStringLiteral("countsLabel"))
                    ->text()
                    .contains(QStringLiteral("39 resources")));
        // A resource: header and props.
        QVERIFY(window->selectFqn(QStringLiteral("shop/dev/config.json")));
        QTRY_VERIFY_WITH_TIMEOUT(window->details()->document() && window->details()->document()->fqn ==
                                                                      QStringLiteral("shop/dev/config.json"),
                                 kTimeout);
        QCOMPARE(window->findChild<QLabel*>(QStringLiteral("headerKind"))->text(),
                 QStringLiteral("fs::File"));
        QCOMPARE(window->findChild<QLabel*>(QStringLiteral("headerStatus"))->text(),
                 QStringLiteral("created"));
        JsonTreeModel* props = window->details()->view(DetailsPane::PropsTab)->jsonModel();
        QVERIFY(props->rowCount() > 0);
        QCOMPARE(window->selectedStageFqn(), QStringLiteral("shop/dev"));
        // A stage: the summary.
        QVERIFY(window->selectFqn(QStringLiteral("shop/prod")));
        QTRY_VERIFY(window->details()->isShowingSummary());
        const QString summary = window->details()->summaryView()->toPlainText();
        QVERIFY2(summary.contains(QStringLiteral("By kind")), qPrintable(summary));
        QVERIFY(summary.contains(QStringLiteral("fs::File")));
        // The filter bar drives the proxy after its debounce, and F3 walks the matches.
        QTest::keyClicks(window->filterBar()->searchEdit(), QStringLiteral("manifest"));
        QTRY_COMPARE(window->filterModel()->matchCount(), 8);
        QVERIFY(window->treeView()->selectNextMatch(true));
        QVERIFY(window->selectedFqn().endsWith(QStringLiteral("/manifest")));
    }

    // Issue 9.22: matches inside collapsed parents are opened to: "8 matches" shows eight rows.
    void filterExpandsToItsMatches() {
        auto window = openWindow(test::fixture(QStringLiteral("app-stages/03-up-dev-again")));
        QVERIFY(window);
        ScopeTreeView* tree = window->treeView();
        StateFilterProxyModel* proxy = window->filterModel();
        tree->collapseAll();
        // Rows a user can see: those reachable through expanded parents only.
        auto visibleMatches = [&] {
            QStringList shown;
            for (QModelIndex i = proxy->index(0, 0); i.isValid(); i = tree->indexBelow(i))
                if (proxy->matchesDirectly(proxy->mapToSource(i)))
                    shown << i.data(StateTreeModel::FqnRole).toString();
            return shown;
        };
        QTest::keyClicks(window->filterBar()->searchEdit(), QStringLiteral("manifest"));
        QTRY_COMPARE(proxy->matchCount(), 8);
        QTRY_COMPARE(visibleMatches().size(), 8);
        for (const QString& fqn : visibleMatches())
            QVERIFY2(fqn.contains(QStringLiteral("manifest")), qPrintable(fqn));
        // Another filter opens the way to its own matches.
        tree->collapseAll();
        window->filterBar()->searchEdit()->clear();
        QTest::keyClicks(window->filterBar()->searchEdit(), QStringLiteral("seed"));
        QTRY_VERIFY(proxy->matchCount() > 0);
        QTRY_COMPARE(visibleMatches().size(), proxy->matchCount());
    }

    // Issue 9.25: typed filter text has the theme's text colour, also after a theme switch (a colour fixed
    // once stayed the light theme's: as dim as the placeholder on the dark palette); an invalid regex is
    // shown in the theme's danger colour.
    void typedFilterTextFollowsTheTheme() {
        auto window = openWindow(test::fixture(QStringLiteral("app-stages/03-up-dev-again")));
        QVERIFY(window);
        QLineEdit* edit = window->filterBar()->searchEdit();
        QTest::keyClicks(edit, QStringLiteral("manifest"));
        QTRY_COMPARE(window->filterModel()->matchCount(), 8);
        QCOMPARE(edit->palette().color(QPalette::Text), QApplication::palette().color(QPalette::Text));
        m_theme->apply(Theme::Mode::Dark);
        const QColor darkText = QApplication::palette().color(QPalette::Text);
        QVERIFY(darkText.lightness() > 128);
        QTRY_COMPARE(edit->palette().color(QPalette::Text), darkText); // palettes propagate on the event loop
        QVERIFY(edit->palette().color(QPalette::Text) != edit->palette().color(QPalette::PlaceholderText));
        // Typing more in the dark theme keeps it.
        QTest::keyClicks(edit, QStringLiteral("/deep"));
        QTRY_VERIFY(window->filterModel()->matchCount() < 8);
        QCOMPARE(edit->palette().color(QPalette::Text), darkText);
        // A broken regex: the dark theme's danger colour, and back to the text colour when fixed.
        auto* regex = window->filterBar()->findChild<QCheckBox*>();
        QVERIFY(regex);
        regex->setChecked(true);
        edit->setText(QStringLiteral("man(ifest"));
        window->filterBar()->applyNow();
        QCOMPARE(edit->palette().color(QPalette::Text), ThemeColors(QApplication::palette()).danger());
        edit->setText(QStringLiteral("manifest"));
        window->filterBar()->applyNow();
        QCOMPARE(edit->palette().color(QPalette::Text), darkText);
        regex->setChecked(false);
        m_theme->apply(Theme::Mode::Light);
        QTRY_COMPARE(edit->palette().color(QPalette::Text), QApplication::palette().color(QPalette::Text));
    }

    // In a narrow tree pane Kind and Status give up width before names become unreadable, and get it back.
    void narrowTreeKeepsNamesReadable() {
        auto window = openWindow(test::fixture(QStringLiteral("app-stages/03-up-dev-again")));
        QVERIFY(window);
        QHeaderView* header = window->treeView()->header();
        window->treeView()->resize(380, 400); // what a 1024 px window leaves it
        QTRY_VERIFY2(header->sectionSize(StateTreeModel::NameColumn) >= 170,
                     qPrintable(QString::number(header->sectionSize(StateTreeModel::NameColumn))));
        QVERIFY(header->sectionSize(StateTreeModel::KindColumn) >= 80);
        QVERIFY(header->sectionSize(StateTreeModel::StatusColumn) >= 90);
        window->treeView()->resize(900, 400);
        QTRY_COMPARE(header->sectionSize(StateTreeModel::KindColumn), 140);
        QCOMPARE(header->sectionSize(StateTreeModel::StatusColumn), 230);
    }

    void emptyStateForFolderWithoutState() {
        QTemporaryDir dir;
        auto window = std::make_unique<MainWindow>(m_theme.get());
        window->show();
        QVERIFY(!window->isShowingTree());
        window->openProject(dir.path());
        QTRY_VERIFY(window->session()->index());
        QVERIFY(!window->isShowingTree());
        QCOMPARE(window->emptyPage()->findChild<QLabel*>(QStringLiteral("emptyTitle"))->text(),
                 QStringLiteral("No Alchemy state here"));
        // A deploy writing the first record brings the tree (live).
        QVERIFY(test::writeFile(
            dir.filePath(QStringLiteral(".alchemy/app/dev/first.json")),
            R"({"kind":"t::T","id":"first","fqn":"app/dev/first","seq":0,"status":"created","data":{},"output":{},"props":{}})"));
        QTRY_VERIFY_WITH_TIMEOUT(window->isShowingTree(), kTimeout);
    }

    // Whether a path is a folder is looked up off the GUI thread (a dead network mount would freeze the
    // window): a missing folder — a recent entry, a typed path, a drop, the command line's — is still said by
    // its path once the look-up ends, and leaves the recent list; a drag is welcomed without a look at the
    // disk; the newest open wins; a good folder, typed or dropped, opens.
    void missingFolderIsSaidByNameAndAGoodOneOpens() {
        QTemporaryDir tmp;
        const QString missing = tmp.filePath(QStringLiteral("gone"));
        const QString notAFolder =
            QStringLiteral("%1 is not a folder").arg(QDir::toNativeSeparators(missing));
        const QString good = test::fixture(QStringLiteral("app-stages/03-up-dev-again"));
        RecentProjects::add(missing);

        // Built for it (athanor DIR): the prepared load is dropped, the path named.
        auto window = std::make_unique<MainWindow>(m_theme.get(), missing);
        window->resize(1200, 800);
        window->show();
        QStatusBar* status = window->statusBar();
        window->openProject(missing);
        QVERIFY(status->currentMessage().isEmpty()); // nothing was looked at on the GUI thread
        QTRY_COMPARE(status->currentMessage(), notAFolder);
        QVERIFY(!window->session()->isOpen());
        QVERIFY(!window->isShowingTree());
        QVERIFY(!RecentProjects::list().contains(missing));

        // A database file that is not there: named too.
        status->clearMessage();
        const QString database = QStringLiteral("sqlite:") + tmp.filePath(QStringLiteral("none.sqlite"));
        window->openProject(database);
        QTRY_COMPARE(status->currentMessage(), QStringLiteral("%1 does not exist").arg(database));
        QVERIFY(!window->session()->isOpen());

        // Dropped: welcome while dragged (only local URLs), said on the drop.
        QVERIFY(!dragAndDrop(window.get(), QUrl(QStringLiteral("https://example.com/state"))));
        status->clearMessage();
        QVERIFY(dragAndDrop(window.get(), QUrl::fromLocalFile(missing)));
        QTRY_COMPARE(status->currentMessage(), notAFolder);
        QVERIFY(!window->session()->isOpen());

        // The newest open wins: the missing folder asked for first says nothing.
        status->clearMessage();
        QSignalSpy shown(window.get(), &MainWindow::treeShown);
        window->openProject(missing);
        window->openProject(good);
        QVERIFY(shown.wait(kTimeout));
        QVERIFY(window->isShowingTree());
        QCOMPARE(window->session()->projectPath(), QDir::cleanPath(good));
        QVERIFY2(!status->currentMessage().contains(notAFolder), qPrintable(status->currentMessage()));

        // A good folder dropped on a window showing nothing opens.
        auto second = test::shownWindow(m_theme.get(), {1200, 800});
        QSignalSpy secondShown(second.get(), &MainWindow::treeShown);
        QVERIFY(dragAndDrop(second.get(), QUrl::fromLocalFile(good)));
        QVERIFY(secondShown.wait(kTimeout));
        QVERIFY(second->isShowingTree());
        QCOMPARE(second->windowTitle(),
                 QStringLiteral("%1 — Athanor").arg(QDir::toNativeSeparators(QDir::cleanPath(good))));
        QVERIFY(second->findChild<QLabel*>(QStringLiteral("countsLabel"))
                    ->text()
                    .contains(QStringLiteral("39 resources")));
    }

    void secretsThroughTheDialog() {
        const QString step = QStringLiteral("secrets/01-up");
        auto window = openWindow(test::fixture(step));
        QVERIFY(window);
        SecretVault* vault = window->vault();
        QVERIFY(window->selectFqn(QStringLiteral("vault/dev/config")));
        QTRY_VERIFY_WITH_TIMEOUT(window->details()->document(), kTimeout);
        auto* unlock = window->details()->findChild<QPushButton*>(QStringLiteral("unlockButton"));
        QVERIFY(unlock && unlock->isVisible());
        JsonTreeModel* props = window->details()->view(DetailsPane::PropsTab)->jsonModel();
        auto apiKey = [&] {
            return test::rowNamed(props, QStringLiteral("apiKey"));
        };
        QVERIFY(apiKey().data(JsonTreeModel::SecretRole).toBool());
        QCOMPARE(apiKey().siblingAtColumn(1).data().toString(), QStringLiteral("•••••••"));

        // A wrong password fails cleanly: the dialog stays open and says why, nothing opens, nothing is
        // kept; the right password typed into the same dialog then opens everything but the team scope's.
        QSignalSpy finished(vault, &SecretVault::decryptionFinished);
        withUnlockDialog(unlock, [&](UnlockDialog* dialog) {
            typeAndConfirm(dialog, QStringLiteral("not the password"));
            QTRY_VERIFY_WITH_TIMEOUT(!dialog->errorText().isEmpty(), 60000);
            QVERIFY(dialog->isVisible());
            QVERIFY2(dialog->errorText().contains(QStringLiteral("opens none of the secrets")),
                     qPrintable(dialog->errorText()));
            QVERIFY(dialog->passwordEdit()->isEnabled());
            QVERIFY(dialog->passwordEdit()->text().isEmpty());
            QCOMPARE(finished.count(), 1);
            QCOMPARE(finished.last().at(2).toBool(), true);
            QCOMPARE(vault->openCount(), 0);
            QVERIFY(!vault->hasPasswords());
            QVERIFY(!apiKey().data(JsonTreeModel::SecretOpenRole).toBool());
            typeAndConfirm(dialog, QStringLiteral("correct horse battery staple"));
            QTRY_VERIFY_WITH_TIMEOUT(!dialog->isVisible(), 60000);
            QCOMPARE(dialog->result(), int(QDialog::Accepted));
        });
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
        QCOMPARE(finished.last().at(2).toBool(), false);
        const QList<SecretRow> rows = secretsOf(step);
        QVERIFY(rows.size() >= 10);
        int teamRows = 0;
        for (const SecretRow& r : rows)
            teamRows += r.file.contains(QStringLiteral("/team/")) ? 1 : 0;
        QVERIFY(teamRows > 0);
        QCOMPARE(vault->lockedCount(), teamRows);
        QTRY_VERIFY(apiKey().data(JsonTreeModel::SecretOpenRole).toBool());
        QCOMPARE(apiKey().siblingAtColumn(1).data().toString(),
                 QStringLiteral("•••••••")); // open, not yet revealed
        props->setRevealed(apiKey(), true);
        QCOMPARE(apiKey().siblingAtColumn(1).data().toString(), QStringLiteral("s3cr3t-value"));
        QCOMPARE(apiKey().data(JsonTreeModel::CopyValueRole).toString(), QStringLiteral("s3cr3t-value"));

        // The team record says it needs another password; give it through the same dialog.
        QVERIFY(window->selectFqn(QStringLiteral("vault/dev/team/team-config")));
        QTRY_VERIFY_WITH_TIMEOUT(window->details()->document() &&
                                     window->details()->document()->fqn ==
                                         QStringLiteral("vault/dev/team/team-config"),
                                 kTimeout);
        QTRY_VERIFY(unlock->isVisible());
        QCOMPARE(unlock->text(), QStringLiteral("Add Password…"));
        unlockThroughDialog(unlock, QStringLiteral("team-scope-password"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, 60000);
        QCOMPARE(vault->lockedCount(), 0);

        // Every plaintext matches what Alchemy itself decrypted.
        const QString dot = test::fixture(step) + QStringLiteral("/.alchemy/");
        for (const SecretRow& r : rows) {
            const Json doc = parseJsonText(test::readFile(dot + r.file).toStdString());
            const Json& object = doc.at(Json::json_pointer(r.pointer.toStdString()));
            QCOMPARE(vault->state(object), SecretVault::State::Open);
            QCOMPARE(vault->plaintext(object), r.plaintext);
        }
        JsonTreeModel* output = window->details()->view(DetailsPane::OutputTab)->jsonModel();
        output->setRevealAll(true);
        QVERIFY(output->revealAll());
        bool sawTeamValue = false;
        for (int row = 0; row < output->rowCount(); ++row)
            sawTeamValue |= output->index(row, 1).data().toString() == QStringLiteral("team-secret-value");
        QVERIFY(sawTeamValue);

        // Lock wipes everything.
        vault->lock();
        QCOMPARE(vault->openCount(), 0);
        QVERIFY(!vault->hasPasswords());
        QCOMPARE(output->index(0, 1).data(JsonTreeModel::SecretOpenRole).toBool(), false);
    }

    // Issue 9.1 and 9.2: a reveal is for one value of one record, and Lock forgets every reveal.
    void revealBelongsToOneRecordAndEndsAtLock() {
        auto window = openUnlockedSecrets();
        QVERIFY(window);
        SecretVault* vault = window->vault();
        QVERIFY(selectAndLoad(window.get(), QStringLiteral("vault/dev/config")));
        window->details()->tabs()->setCurrentIndex(DetailsPane::PropsTab);
        JsonTreeView* view = window->details()->view(DetailsPane::PropsTab);
        JsonTreeModel* props = view->jsonModel();
        QTRY_VERIFY(
            test::rowNamed(props, QStringLiteral("apiKey")).data(JsonTreeModel::SecretOpenRole).toBool());
        // Double-click reveals, as the user does it.
        for (const char* key : {"apiKey", "creds"}) {
            const QModelIndex value =
                test::rowNamed(props, QString::fromLatin1(key)).siblingAtColumn(JsonTreeModel::ValueColumn);
            view->scrollTo(value);
            // A widget double-click in QTest is the second click only: press first, as a mouse does.
            const QPoint at = view->visualRect(value).center();
            QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
            QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, at);
        }
        QCOMPARE(shownValue(props, QStringLiteral("apiKey")), QStringLiteral("s3cr3t-value"));
        QVERIFY(shownValue(props, QStringLiteral("creds")) != QStringLiteral("•••••••"));

        // Another record with secrets at the same JSON paths: masked.
        QVERIFY(selectAndLoad(window.get(), QStringLiteral("vault/dev/team/team-config")));
        QTRY_VERIFY(
            test::rowNamed(props, QStringLiteral("apiKey")).data(JsonTreeModel::SecretOpenRole).toBool());
        QCOMPARE(shownValue(props, QStringLiteral("apiKey")), QStringLiteral("•••••••"));
        QCOMPARE(shownValue(props, QStringLiteral("creds")), QStringLiteral("•••••••"));
        QVERIFY(!test::rowNamed(props, QStringLiteral("apiKey")).data(JsonTreeModel::RevealedRole).toBool());
        // Reveal All of this record leaves the other one as it was.
        auto* revealAll = window->details()->findChild<QPushButton*>(QStringLiteral("revealAllButton"));
        QVERIFY(revealAll && revealAll->isVisible() && !revealAll->isChecked());
        revealAll->click();
        QCOMPARE(shownValue(props, QStringLiteral("apiKey")), QStringLiteral("team-secret-value"));
        QVERIFY(selectAndLoad(window.get(), QStringLiteral("vault/dev/token")));
        QTRY_VERIFY(!revealAll->isChecked());

        // Back on the first record its own reveals are still there, until Lock.
        QVERIFY(selectAndLoad(window.get(), QStringLiteral("vault/dev/config")));
        QCOMPARE(shownValue(props, QStringLiteral("apiKey")), QStringLiteral("s3cr3t-value"));
        auto* lock = window->details()->findChild<QPushButton*>(QStringLiteral("lockButton"));
        QVERIFY(lock && lock->isVisible());
        lock->click();
        QVERIFY(!vault->hasPasswords());
        QCOMPARE(shownValue(props, QStringLiteral("apiKey")), QStringLiteral("•••••••"));

        // Unlocked again, nothing is shown until revealed again.
        QSignalSpy finished(vault, &SecretVault::decryptionFinished);
        vault->addPassword(SecureString("correct horse battery staple"));
        vault->addPassword(SecureString("team-scope-password"));
        QTRY_VERIFY_WITH_TIMEOUT(!vault->isBusy() && vault->lockedCount() == 0 && vault->openCount() > 0,
                                 60000);
        QVERIFY(test::rowNamed(props, QStringLiteral("apiKey")).data(JsonTreeModel::SecretOpenRole).toBool());
        QCOMPARE(shownValue(props, QStringLiteral("apiKey")), QStringLiteral("•••••••"));
        QCOMPARE(shownValue(props, QStringLiteral("creds")), QStringLiteral("•••••••"));
        QVERIFY(selectAndLoad(window.get(), QStringLiteral("vault/dev/team/team-config")));
        QCOMPARE(shownValue(props, QStringLiteral("apiKey")), QStringLiteral("•••••••"));
        QVERIFY(!revealAll->isChecked());
    }

    // Issue 9.3: a copied secret is marked sensitive and leaves the clipboard at Lock, after the timeout and
    // at quit, but only while the clipboard still holds it.
    void copiedSecretLeavesTheClipboard() {
        auto window = openUnlockedSecrets();
        QVERIFY(window);
        SecretVault* vault = window->vault();
        QClipboard* clipboard = QGuiApplication::clipboard();
        QVERIFY(selectAndLoad(window.get(), QStringLiteral("vault/dev/config")));
        window->details()->tabs()->setCurrentIndex(DetailsPane::PropsTab);
        JsonTreeView* view = window->details()->view(DetailsPane::PropsTab);
        QTRY_VERIFY(test::rowNamed(view->jsonModel(), QStringLiteral("apiKey"))
                        .data(JsonTreeModel::SecretOpenRole)
                        .toBool());
        auto copyApiKey = [&] {
            view->setCurrentIndex(test::rowNamed(view->jsonModel(), QStringLiteral("apiKey")));
            view->setFocus();
            QTest::keySequence(view, QKeySequence::Copy);
        };
        QCOMPARE(vault->clipboard()->clearAfterMs(), 30000);

        copyApiKey();
        QCOMPARE(clipboard->text(), QStringLiteral("s3cr3t-value"));
        QCOMPARE(clipboard->mimeData()->data(QStringLiteral("x-kde-passwordManagerHint")),
                 QByteArray("secret"));
        vault->lock(); // Lock Secrets
        QVERIFY(clipboard->text().isEmpty());

        // After the timeout (shortened here) it goes by itself.
        vault->addPassword(SecureString("correct horse battery staple"));
        QTRY_VERIFY_WITH_TIMEOUT(test::rowNamed(view->jsonModel(), QStringLiteral("apiKey"))
                                     .data(JsonTreeModel::SecretOpenRole)
                                     .toBool(),
                                 60000);
        vault->clipboard()->setClearAfterMs(300);
        QSignalSpy cleared(vault->clipboard(), &SecretClipboard::cleared);
        copyApiKey();
        QCOMPARE(clipboard->text(), QStringLiteral("s3cr3t-value"));
        QTRY_COMPARE(cleared.count(), 1);
        QVERIFY(clipboard->text().isEmpty());

        // Something the user copied since is left alone, by the timeout and by Lock.
        copyApiKey();
        clipboard->setText(QStringLiteral("copied by the user"));
        QTest::qWait(500);
        QCOMPARE(clipboard->text(), QStringLiteral("copied by the user"));
        vault->lock();
        QCOMPARE(clipboard->text(), QStringLiteral("copied by the user"));
        QCOMPARE(cleared.count(), 1);

        // Closing the window takes it off too.
        vault->addPassword(SecureString("correct horse battery staple"));
        QTRY_VERIFY_WITH_TIMEOUT(test::rowNamed(view->jsonModel(), QStringLiteral("apiKey"))
                                     .data(JsonTreeModel::SecretOpenRole)
                                     .toBool(),
                                 60000);
        vault->clipboard()->setClearAfterMs(SecretClipboard::kDefaultClearAfterMs);
        copyApiKey();
        QCOMPARE(clipboard->text(), QStringLiteral("s3cr3t-value"));
        window->close();
        QVERIFY(clipboard->text().isEmpty());
    }

    // Issue 9.17: a pending deletion shows under the scope that holds it, with its kind, id, old output and
    // why it waits; a stage's or scope's own record opens like any record.
    void pendingDeletionsAndScopeRecords() {
        QTemporaryDir dir;
        QVERIFY(test::makeRunsAndPendingTree(dir.path()));
        auto window = openWindow(dir.path());
        QVERIFY(window);
        QVERIFY(window->findChild<QLabel*>(QStringLiteral("countsLabel"))
                    ->text()
                    .contains(QStringLiteral("3 interrupted · 2 pending deletions")));

        // The row under the stage, selected like any node.
        const QString key = StateTreeModel::pendingKey(QStringLiteral("life/dev"), 0);
        QVERIFY(window->selectFqn(key));
        QCOMPARE(window->selectedFqn(), key);
        QCOMPARE(window->selectedStageFqn(), QStringLiteral("life/dev"));
        QTRY_VERIFY_WITH_TIMEOUT(window->details()->document() &&
                                     window->details()->document()->absolutePath.endsWith(
                                         QStringLiteral("/.alchemy/life/dev.json")),
                                 kTimeout);
        RecordHeader* header = window->details()->header();
        QCOMPARE(window->findChild<QLabel*>(QStringLiteral("headerKind"))->text(),
                 QStringLiteral("fs::File"));
        QCOMPARE(window->findChild<QLabel*>(QStringLiteral("headerFqn"))->text(),
                 QStringLiteral("life/dev/readme"));
        QCOMPARE(header->badgeText(), QStringLiteral("pending deletion"));
        QVERIFY2(header->noteText().contains(QStringLiteral("replaced")), qPrintable(header->noteText()));
        QVERIFY(header->filePath().endsWith(QStringLiteral("life/dev.json")));
        QTabWidget* tabs = window->details()->tabs();
        QCOMPARE(tabs->tabText(DetailsPane::OutputTab), QStringLiteral("Old output"));
        QVERIFY(!tabs->isTabEnabled(DetailsPane::DataTab));
        JsonTreeModel* output = window->details()->view(DetailsPane::OutputTab)->jsonModel();
        QCOMPARE(shownValue(output, QStringLiteral("path")), QStringLiteral("\"old-readme.txt\""));
        QCOMPARE(test::rowNamed(output, QStringLiteral("path")).data(JsonTreeModel::PointerRole).toString(),
                 QStringLiteral("/data/pendingDeletions/0/resource/path"));
        JsonTreeModel* props = window->details()->view(DetailsPane::PropsTab)->jsonModel();
        QCOMPARE(shownValue(props, QStringLiteral("path")), QStringLiteral("\"old-readme.txt\""));
        // The one in the naked scope's record sits under that scope.
        const QString storageKey = StateTreeModel::pendingKey(QStringLiteral("life/dev/storage"), 0);
        QVERIFY(window->selectFqn(storageKey));
        QTRY_VERIFY_WITH_TIMEOUT(window->details()->document() &&
                                     window->details()->document()->absolutePath.endsWith(
                                         QStringLiteral("/.alchemy/life/dev/storage.json")),
                                 kTimeout);
        QCOMPARE(shownValue(output, QStringLiteral("path")), QStringLiteral("\"old-db.txt\""));
        const QModelIndex row = window->treeModel()->indexForFqn(storageKey);
        QCOMPARE(row.parent(), window->treeModel()->indexForFqn(QStringLiteral("life/dev/storage")));
        // An ordinary record afterwards has its tabs back.
        QVERIFY(selectAndLoad(window.get(), QStringLiteral("life/dev/api")));
        QCOMPARE(tabs->tabText(DetailsPane::OutputTab), QStringLiteral("Output"));
        QVERIFY(tabs->isTabEnabled(DetailsPane::DataTab));

        // The stage summary lists them with links; its own record opens like any record, and back.
        QVERIFY(window->selectFqn(QStringLiteral("life/dev")));
        QTRY_VERIFY(window->details()->isShowingSummary());
        ScopeSummaryView* summary = window->details()->summaryView();
        const QString text = summary->toPlainText();
        QVERIFY2(text.contains(QStringLiteral("Pending deletions")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("life/dev/readme")) &&
                     text.contains(QStringLiteral("life/dev/storage/db")),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Scope record: life/dev.json")), qPrintable(text));
        QSignalSpy activated(summary, &ScopeSummaryView::fqnActivated);
        const QString html = summary->toHtml();
        const qsizetype at =
            html.indexOf(QStringLiteral("athanor-fqn:"), html.indexOf(QStringLiteral("Pending deletions")));
        QVERIFY(at > 0);
        emit summary->anchorClicked(QUrl(html.mid(at, html.indexOf(QLatin1Char('"'), at) - at)));
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.at(0).at(0).toString(), key); // the tree selects it (MainWindow follows the link)
        QCOMPARE(window->selectedFqn(), key);
        QVERIFY(window->selectFqn(QStringLiteral("life/dev")));
        QTRY_VERIFY(window->details()->isShowingSummary());
        emit summary->anchorClicked(QUrl(QStringLiteral("athanor-record:")));
        QTRY_VERIFY_WITH_TIMEOUT(window->details()->document() &&
                                     window->details()->document()->absolutePath.endsWith(
                                         QStringLiteral("/.alchemy/life/dev.json")),
                                 kTimeout);
        QVERIFY(!window->details()->isShowingSummary());
        QCOMPARE(window->findChild<QLabel*>(QStringLiteral("headerKind"))->text(),
                 QStringLiteral("alchemy::Scope"));
        JsonTreeModel* data = window->details()->view(DetailsPane::DataTab)->jsonModel();
        QVERIFY(test::rowNamed(data, QStringLiteral("pendingDeletions")).isValid());
        QVERIFY(tabs->isTabEnabled(DetailsPane::DataTab));
        auto* back = header->findChild<QToolButton*>(QStringLiteral("headerSummary"));
        QVERIFY(back && back->isVisible());
        back->click();
        QVERIFY(window->details()->isShowingSummary());
    }

    void liveReloadKeepsSelectionAndExpansion() {
        QTemporaryDir dir;
        test::copyTree(test::fixture(QStringLiteral("app-stages/03-up-dev-again/.alchemy")),
                       dir.filePath(QStringLiteral(".alchemy")));
        auto window = openWindow(dir.path());
        QVERIFY(window);
        ScopeTreeView* tree = window->treeView();
        QVERIFY(window->selectFqn(QStringLiteral("shop/dev/bundle/manifest/deep")));
        QVERIFY(window->selectFqn(QStringLiteral("shop/dev/assets")));
        const QModelIndex bundle = window->filterModel()->mapFromSource(
            window->treeModel()->indexForFqn(QStringLiteral("shop/dev/bundle")));
        QVERIFY(tree->isExpanded(bundle));
        QTRY_VERIFY_WITH_TIMEOUT(window->details()->document(), kTimeout);

        // A run rewrites the selected record in place, as Alchemy's file store does.
        const QString assets = dir.filePath(QStringLiteral(".alchemy/shop/dev/assets.json"));
        QByteArray text = test::readFile(assets);
        text.replace("\"status\": \"created\"", "\"status\": \"updating\"");
        QVERIFY(test::writeFile(assets, text));
        auto statusOf = [&](const QString& fqn) {
            return static_cast<StatusCategory>(
                window->treeModel()->indexForFqn(fqn).data(StateTreeModel::StatusRole).toInt());
        };
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(QStringLiteral("shop/dev/assets")), StatusCategory::Updating,
                                  3000);
        QCOMPARE(window->selectedFqn(), QStringLiteral("shop/dev/assets"));
        QVERIFY(tree->isExpanded(window->filterModel()->mapFromSource(
            window->treeModel()->indexForFqn(QStringLiteral("shop/dev/bundle")))));
        QTRY_VERIFY_WITH_TIMEOUT(window->findChild<QLabel*>(QStringLiteral("headerStatus"))
                                     ->text()
                                     .startsWith(QStringLiteral("updating")),
                                 3000);

        // A new record appears; a damaged one shows as an error node with the reason.
        QVERIFY(test::writeFile(
            dir.filePath(QStringLiteral(".alchemy/shop/dev/storage/late.json")),
            R"({"kind":"fs::File","id":"late","fqn":"shop/dev/storage/late","seq":1,"status":"created","data":{},"output":{},"props":{}})"));
        QVERIFY(test::writeFile(dir.filePath(QStringLiteral(".alchemy/shop/dev/config-backup.json")),
                                "{\n  \"kind\": \"fs::Cop"));
        QTRY_VERIFY_WITH_TIMEOUT(
            window->treeModel()->indexForFqn(QStringLiteral("shop/dev/storage/late")).isValid(), 3000);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(QStringLiteral("shop/dev/config-backup")),
                                  StatusCategory::Unreadable, 3000);
        const QModelIndex broken = window->treeModel()->indexForFqn(QStringLiteral("shop/dev/config-backup"));
        QCOMPARE(broken.siblingAtColumn(StateTreeModel::StatusColumn).data().toString(),
                 QStringLiteral("unreadable"));
        QVERIFY(broken.data(Qt::ToolTipRole).toString().contains(QStringLiteral("line")));
        QCOMPARE(window->selectedFqn(), QStringLiteral("shop/dev/assets"));

        // Selecting it shows the reason and the raw text.
        QVERIFY(window->selectFqn(QStringLiteral("shop/dev/config-backup")));
        QTRY_VERIFY_WITH_TIMEOUT(window->details()->document() &&
                                     window->details()->document()->fqn ==
                                         QStringLiteral("shop/dev/config-backup"),
                                 kTimeout);
        QVERIFY(window->findChild<QLabel*>(QStringLiteral("headerError"))->isVisible());

        // A deleted record disappears; the selection falls back to its scope.
        QVERIFY(QFile::remove(dir.filePath(QStringLiteral(".alchemy/shop/dev/config-backup.json"))));
        QTRY_VERIFY_WITH_TIMEOUT(
            !window->treeModel()->indexForFqn(QStringLiteral("shop/dev/config-backup")).isValid(), 3000);
        QCOMPARE(window->selectedFqn(), QStringLiteral("shop/dev"));
    }

    void unreadableRecordsFromTheStart() {
        QTemporaryDir dir;
        test::copyTree(test::fixture(QStringLiteral("lifecycle/run4-noop/.alchemy")),
                       dir.filePath(QStringLiteral(".alchemy")));
        QVERIFY(test::writeFile(dir.filePath(QStringLiteral(".alchemy/life/dev/empty.json")), ""));
        QVERIFY(test::writeFile(dir.filePath(QStringLiteral(".alchemy/life/dev/list.json")), "[1, 2]"));
        auto window = openWindow(dir.path() + QStringLiteral("/.alchemy")); // the .alchemy folder itself
        QVERIFY(window);
        QVERIFY(!window->session()->projectPath().endsWith(QStringLiteral(".alchemy")));
        const auto index = window->treeModel()->stateIndex();
        QCOMPARE(index->unreadable, 2);
        for (const char* fqn : {"life/dev/empty", "life/dev/list"}) {
            const QModelIndex i = window->treeModel()->indexForFqn(QString::fromLatin1(fqn));
            QVERIFY(i.isValid());
            QCOMPARE(static_cast<StatusCategory>(i.data(StateTreeModel::StatusRole).toInt()),
                     StatusCategory::Unreadable);
        }
        QVERIFY(window->selectFqn(QStringLiteral("life/dev")));
        QTRY_VERIFY(window->details()->isShowingSummary());
        const QString summary = window->details()->summaryView()->toPlainText();
        QVERIFY2(summary.contains(QStringLiteral("Needs attention")), qPrintable(summary));
        QVERIFY(summary.indexOf(QStringLiteral("life/dev/empty")) <
                summary.indexOf(QStringLiteral("By status")));
    }

    // At 1400 px with the deploy dock taking its first-run share, the empty-state sentence wraps and keeps
    // all its lines, and the inspector keeps the larger part of the window.
    void emptyStateTextIsNotClippedUnderTheDock() {
        QSettings().remove(QStringLiteral("window"));
        QTemporaryDir dir;
        MainWindow window(m_theme.get());
        auto* console = new QLabel(QStringLiteral("console"));
        console->setMinimumHeight(250);
        window.hostDeployConsole(console, QStringLiteral("Deploy"));
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.openProject(dir.path());
        QTRY_VERIFY(window.session()->index());
        auto* text = window.emptyPage()->findChild<QLabel*>(QStringLiteral("emptyText"));
        QVERIFY(text);
        QTRY_VERIFY(text->isVisible());
        QVERIFY(text->heightForWidth(text->width()) > text->fontMetrics().lineSpacing() * 3 / 2); // it wraps
        QTRY_VERIFY2(
            text->height() >= text->heightForWidth(text->width()),
            qPrintable(
                QStringLiteral("%1 < %2").arg(text->height()).arg(text->heightForWidth(text->width()))));
        QDockWidget* dock = window.findChild<QDockWidget*>(QStringLiteral("deployConsoleDock"));
        QVERIFY(dock);
        QTRY_VERIFY(dock->height() <= window.height() / 2);
        QVERIFY(dock->height() >= 250);
    }

    void hostsTheDeployConsole() {
        MainWindow window(m_theme.get());
        window.show();
        QVERIFY(!window.deployToolBar()->isVisible());
        window.deployToolBar()->addAction(QStringLiteral("Up"));
        QTRY_VERIFY(window.deployToolBar()->isVisible());
        auto* console = new QLabel(QStringLiteral("console"));
        QDockWidget* dock = window.hostDeployConsole(console, QStringLiteral("Deploy"));
        QVERIFY(dock);
        QCOMPARE(dock->widget(), console);
        QCOMPARE(window.dockWidgetArea(dock), Qt::BottomDockWidgetArea);
        QCOMPARE(window.hostDeployConsole(new QLabel, QString()), dock); // one dock, content replaced
    }
};

QTEST_MAIN(TestInspectorWindow)
#include "tst_inspector_window.moc"
