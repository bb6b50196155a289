// The scope tree model and its filter proxy over real Alchemy state.
#include "UiTestUtil.h"
#include "app/Application.h"
#include "models/NaturalCollator.h"
#include "models/NaturalOrder.h"
#include "models/RunActivity.h"
#include "models/StateFilterProxyModel.h"
#include "models/StateTreeModel.h"
#include "state/FolderWatcher.h"
#include "state/StateIndex.h"

#include <QAbstractItemModelTester>
#include <QCollatorSortKey>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

using namespace athanor;
using namespace athanor::ui;

namespace {

// The filter proxy, counting the row comparisons its sorting asks for.
class CountingProxy : public StateFilterProxyModel {
public:
    mutable int comparisons = 0;

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override {
        ++comparisons;
        return StateFilterProxyModel::lessThan(left, right);
    }
};

} // namespace

class TestStateModels : public QObject {
    Q_OBJECT

    struct Counts {
        int apps = 0, stages = 0, scopes = 0, resources = 0;
    };
    static void countNodes(const QAbstractItemModel& model, const QModelIndex& parent, Counts& c) {
        for (int row = 0; row < model.rowCount(parent); ++row) {
            const QModelIndex child = model.index(row, 0, parent);
            switch (static_cast<SnapshotNodeKind>(child.data(StateTreeModel::NodeKindRole).toInt())) {
            case SnapshotNodeKind::App:
                ++c.apps;
                break;
            case SnapshotNodeKind::Stage:
                ++c.stages;
                break;
            case SnapshotNodeKind::Scope:
                ++c.scopes;
                break;
            case SnapshotNodeKind::Resource:
                ++c.resources;
                break;
            case SnapshotNodeKind::Root:
                break;
            }
            countNodes(model, child, c);
        }
    }
    static QStringList childNames(const QAbstractItemModel& model, const QModelIndex& parent) {
        QStringList names;
        for (int row = 0; row < model.rowCount(parent); ++row)
            names << model.index(row, 0, parent).data().toString();
        return names;
    }
    static QModelIndex find(const QAbstractItemModel& model, const QString& fqn,
                            const QModelIndex& parent = {}) {
        for (int row = 0; row < model.rowCount(parent); ++row) {
            const QModelIndex child = model.index(row, 0, parent);
            if (child.data(StateTreeModel::FqnRole).toString() == fqn)
                return child;
            if (QModelIndex below = find(model, fqn, child); below.isValid())
                return below;
        }
        return {};
    }

    static QString statusText(const StateTreeModel& model, const QString& key) {
        return model.indexForFqn(key).siblingAtColumn(StateTreeModel::StatusColumn).data().toString();
    }

private slots:
    // Labels name where a record is kept: a database row has no file, so its FQN, never an empty string.
    void placeTextNamesFileOrRow() {
        athanor::SnapshotRecord inFolder;
        inFolder.fqn = "shop/dev/a";
        inFolder.relativePath = "shop/dev/a.json";
        QCOMPARE(StateTreeModel::placeText(inFolder), QStringLiteral("shop/dev/a.json"));
        athanor::SnapshotRecord inDatabase;
        inDatabase.fqn = "shop/dev/a";
        QCOMPARE(StateTreeModel::placeText(inDatabase), QStringLiteral("shop/dev/a"));
    }

    // One watch per folder sees a record rewritten in place (as Alchemy's fs.writeFile does), a new file and
    // a removed one; a folder no longer watched reports nothing.
    void folderWatcherSeesInPlaceRewrites() {
        QTemporaryDir dir;
        const QString stage = dir.filePath(QStringLiteral("app/dev"));
        QVERIFY(test::writeFile(stage + QStringLiteral("/a.json"), "{}"));
        QVERIFY(test::writeFile(dir.filePath(QStringLiteral("other/b.json")), "{}"));
        FolderWatcher watcher;
        QSignalSpy changed(&watcher, &FolderWatcher::changed);
        watcher.setFolders({stage, dir.filePath(QStringLiteral("missing"))});
        QCOMPARE(watcher.folders(), QStringList{stage});
#ifdef __linux__
        QVERIFY(watcher.seesFileRewrites());
        QVERIFY(test::writeFile(stage + QStringLiteral("/a.json"), R"({"status":"created"})"));
        QTRY_VERIFY(changed.count() > 0);
#endif
        changed.clear();
        QVERIFY(test::writeFile(stage + QStringLiteral("/new.json"), "{}"));
        QTRY_VERIFY(changed.count() > 0);
        changed.clear();
        QVERIFY(QFile::remove(stage + QStringLiteral("/new.json")));
        QTRY_VERIFY(changed.count() > 0);
        // Not watched: nothing.
        watcher.clear();
        QVERIFY(watcher.folders().isEmpty());
        changed.clear();
        QVERIFY(test::writeFile(stage + QStringLiteral("/a.json"), "{}"));
        QVERIFY(test::writeFile(dir.filePath(QStringLiteral("other/b.json")), "[]"));
        QTest::qWait(200);
        QCOMPARE(changed.count(), 0);
    }

    void initTestCase() {
        initResources();
    }

    void fixtureCounts_data() {
        QTest::addColumn<QString>("tree");
        QTest::addColumn<int>("apps");
        QTest::addColumn<int>("stages");
        QTest::addColumn<int>("scopes");
        QTest::addColumn<int>("resources");
        // Counted from the record files themselves (kind alchemy::Scope = scope, anything else = resource).
        QTest::newRow("01-up-dev") << "app-stages/01-up-dev" << 1 << 1 << 2 << 19;
        for (const char* step : {"02-up-prod", "03-up-dev-again", "04-read-dev", "05-state-tree",
                                 "06-state-list", "07-state-get"})
            QTest::newRow(step) << QStringLiteral("app-stages/") + QLatin1String(step) << 1 << 2 << 4 << 39;
        QTest::newRow("run1-create") << "lifecycle/run1-create" << 1 << 1 << 2 << 8;
        for (const char* step : {"run2-update-orphans", "run3-force-replace", "run4-noop", "run5-read"})
            QTest::newRow(step) << QStringLiteral("lifecycle/") + QLatin1String(step) << 1 << 1 << 1 << 5;
        QTest::newRow("secrets-01-up") << "secrets/01-up" << 1 << 1 << 1 << 4;
        QTest::newRow("secrets-02-read") << "secrets/02-read" << 1 << 1 << 1 << 4;
    }

    void fixtureCounts() {
        QFETCH(QString, tree);
        QFETCH(int, apps);
        QFETCH(int, stages);
        QFETCH(int, scopes);
        QFETCH(int, resources);
        StateTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        StateFilterProxyModel proxy;
        proxy.setStateModel(&model);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.sort(0);
        model.setIndex(StateIndex::build(test::fixture(tree).toStdString()));
        Counts c;
        countNodes(proxy, {}, c);
        QCOMPARE(c.apps, apps);
        QCOMPARE(c.stages, stages);
        QCOMPARE(c.scopes, scopes);
        QCOMPARE(c.resources, resources);
        const auto index = model.stateIndex();
        QCOMPARE(index->resources, resources);
        QCOMPARE(index->unreadable, 0);
    }

    // The FQN lookup (node indexes sorted by the snapshot's FQNs) finds every node of a real tree and of
    // names outside ASCII, and nothing else.
    void fqnLookupFindsEveryNode() {
        QTemporaryDir dir;
        test::copyTree(test::fixture(QStringLiteral("app-stages/03-up-dev-again/.alchemy")),
                       dir.filePath(QStringLiteral(".alchemy")));
        const QString stage = dir.filePath(QStringLiteral(".alchemy/shop/dev"));
        const QByteArray record =
            R"({"kind":"fs::File","id":"x","fqn":"","seq":1,"status":"created","data":{},"props":{},"output":{}})";
        for (const QString& name : {QStringLiteral("résumé"), QStringLiteral("日本"), QStringLiteral("a b"),
                                    QStringLiteral("Z-last")})
            QVERIFY(test::writeFile(stage + QLatin1Char('/') + name + QStringLiteral(".json"), record));
        const auto index = StateIndex::build(dir.path().toStdString());
        QVERIFY(index->nodes.size() > 20);
        for (size_t n = 1; n < index->nodes.size(); ++n)
            QCOMPARE(index->nodeByFqn.value(index->fqnOf(static_cast<int32_t>(n))), static_cast<int32_t>(n));
        QCOMPARE(index->nodeByFqn.value(QStringLiteral("shop/dev/résumé")) > 0, true);
        QCOMPARE(index->nodeByFqn.value(QStringLiteral("shop/dev/日本")) > 0, true);
        QCOMPARE(index->nodeByFqn.value(QString()), -1); // the root is never a row
        QCOMPARE(index->nodeByFqn.value(QStringLiteral("shop/dev/résum")), -1);
        QCOMPARE(index->nodeByFqn.value(QStringLiteral("shop/dev/zzz"), -7), -7);
        QVERIFY(!index->nodeByFqn.contains(QStringLiteral("shop/de")));
        QVERIFY(index->nodeByFqn.contains(QStringLiteral("shop/dev")));
    }

    void nestedResourcesSitUnderTheirOwner() {
        StateTreeModel model;
        model.setIndex(
            StateIndex::build(test::fixture(QStringLiteral("app-stages/03-up-dev-again")).toStdString()));
        const QModelIndex bundle = model.indexForFqn(QStringLiteral("shop/dev/bundle"));
        QVERIFY(bundle.isValid());
        QCOMPARE(childNames(model, bundle),
                 (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("manifest")}));
        const QModelIndex deep = model.indexForFqn(QStringLiteral("shop/dev/bundle/manifest/deep"));
        QVERIFY(deep.isValid());
        QCOMPARE(deep.parent().data(StateTreeModel::FqnRole).toString(),
                 QStringLiteral("shop/dev/bundle/manifest"));
        QCOMPARE(model.indexForFqn(QStringLiteral("shop/dev/routes/api/v1")).data().toString(),
                 QStringLiteral("routes/api/v1"));
        QCOMPARE(model.indexForFqn(QStringLiteral("shop/dev/storage"))
                     .siblingAtColumn(StateTreeModel::KindColumn)
                     .data()
                     .toString(),
                 QStringLiteral("3 resources"));
        QCOMPARE(model.indexForFqn(QStringLiteral("shop/dev/assets"))
                     .siblingAtColumn(StateTreeModel::StatusColumn)
                     .data()
                     .toString(),
                 QStringLiteral("created"));
    }

    void naturalSort() {
        QTemporaryDir dir;
        for (const char* id : {"item10", "item2", "Item1", "item1b", "alpha"})
            QVERIFY(test::writeFile(
                dir.filePath(QStringLiteral(".alchemy/app/dev/%1.json").arg(QLatin1String(id))),
                QStringLiteral(
                    R"({"kind":"t::T","id":"%1","fqn":"app/dev/%1","seq":0,"status":"created","data":{},"output":{},"props":{}})")
                    .arg(QLatin1String(id))
                    .toUtf8()));
        StateTreeModel model;
        StateFilterProxyModel proxy;
        proxy.setStateModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.sort(0);
        model.setIndex(StateIndex::build(dir.path().toStdString()));
        const QModelIndex stage = proxy.index(0, 0, proxy.index(0, 0));
        QCOMPARE(childNames(proxy, stage),
                 (QStringList{QStringLiteral("alpha"), QStringLiteral("Item1"), QStringLiteral("item1b"),
                              QStringLiteral("item2"), QStringLiteral("item10")}));
        proxy.sort(StateTreeModel::KindColumn, Qt::DescendingOrder);
        QCOMPARE(proxy.rowCount(stage), 5);
    }

    // By name ascending (the view's default) the proxy shows the index's natural order as it is, without a
    // single comparison (sorting a stage of 80,000 rows was most of the first paint of a big tree); other
    // orders still sort, and coming back to name ascending restores the natural order.
    void sortByNameAscendingKeepsTheNaturalOrderWithoutComparing() {
        QTemporaryDir dir;
        QStringList natural;
        for (int n = 1; n <= 120; ++n) {
            const QString id = QStringLiteral("item%1").arg(n);
            natural << id;
            QVERIFY(test::writeFile(
                dir.filePath(QStringLiteral(".alchemy/app/dev/%1.json").arg(id)),
                QStringLiteral(
                    R"({"kind":"t::T","id":"%1","fqn":"app/dev/%1","seq":0,"status":"created","data":{},"output":{},"props":{}})")
                    .arg(id)
                    .toUtf8()));
        }
        StateTreeModel model;
        CountingProxy proxy;
        proxy.setStateModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.sort(StateTreeModel::NameColumn, Qt::AscendingOrder);
        model.setIndex(StateIndex::build(dir.path().toStdString()));
        const QModelIndex stage = proxy.index(0, 0, proxy.index(0, 0));
        QCOMPARE(childNames(proxy, stage), natural); // item2 before item10: natural, not byte order
        QCOMPARE(proxy.comparisons, 0);

        proxy.sort(StateTreeModel::NameColumn, Qt::DescendingOrder);
        QStringList reversed = natural;
        std::reverse(reversed.begin(), reversed.end());
        QCOMPARE(childNames(proxy, proxy.index(0, 0, proxy.index(0, 0))), reversed);
        QVERIFY(proxy.comparisons > 0);

        proxy.sort(StateTreeModel::NameColumn, Qt::AscendingOrder);
        QCOMPARE(childNames(proxy, proxy.index(0, 0, proxy.index(0, 0))), natural);
    }

    // The byte key that stands in for the natural collator orders every pair of ASCII names as the collator
    // does (letters without case, digit runs by value, leading zeros, every separator, prefixes).
    void rootNaturalKeyOrdersAsTheCollator() {
        const QCollator collator = naturalCollator();
        QVERIFY(collatorOrdersAsciiAsRoot(collator));
        const std::string alphabet = std::string("aAbBzZ0123456789") + " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";
        QRandomGenerator random(1400);
        std::vector<std::string> names{"", "0", "00", "a", "a0", "a00", "a1", "a01", "a001b", "a10", "a9"};
        for (int n = 0; n < 600; ++n) {
            std::string name;
            const auto length = random.bounded(1, 7);
            for (int i = 0; i < length; ++i) {
                // Digits come in runs (numbers), often with leading zeros.
                if (random.bounded(3) == 0) {
                    name += std::string(random.bounded(0, 3), '0') + std::to_string(random.bounded(0, 200));
                    continue;
                }
                name += alphabet[random.bounded(static_cast<quint32>(alphabet.size()))];
            }
            names.push_back(name);
        }
        int compared = 0;
        for (const auto& a : names)
            for (const auto& b : names) {
                const auto ka = rootNaturalKey(a);
                const auto kb = rootNaturalKey(b);
                QVERIFY2(ka && kb, (a + " | " + b).c_str());
                const int byKey = *ka < *kb ? -1 : (*kb < *ka ? 1 : 0);
                const int byCollator = collator.compare(QString::fromStdString(a), QString::fromStdString(b));
                const int sign = byCollator < 0 ? -1 : (byCollator > 0 ? 1 : 0);
                QVERIFY2(byKey == sign,
                         qPrintable(QStringLiteral("\"%1\" vs \"%2\": key %3, collator %4")
                                        .arg(QString::fromStdString(a), QString::fromStdString(b))
                                        .arg(byKey)
                                        .arg(sign)));
                ++compared;
            }
        QVERIFY(compared > 300000);
        // Names outside ASCII have no such key: the collator's keys order them.
        QVERIFY(!rootNaturalKey("résumé"));
        QVERIFY(!rootNaturalKey(std::string("a\0b", 3)));
        QVERIFY(!rootNaturalKey("a" + std::string(41, '7')));
    }

    // Siblings are ordered by the natural collator exactly, by the byte key or by the collator's own keys
    // (accents, other scripts, collations that tailor ASCII such as Danish "aa" after "z"): the same order as
    // a stable sort by the collator's sort keys.
    void siblingOrderIsTheCollatorsOrder() {
        QCollator collator = naturalCollator();
        const auto check = [&](const std::vector<std::string>& names) {
            std::vector<int32_t> items(names.size());
            for (size_t i = 0; i < items.size(); ++i)
                items[i] = static_cast<int32_t>(i);
            std::vector<int32_t> expected = items;
            std::vector<QCollatorSortKey> keys;
            for (const auto& name : names)
                keys.push_back(collator.sortKey(QString::fromStdString(name)));
            std::stable_sort(expected.begin(), expected.end(), [&](int32_t a, int32_t b) {
                return keys[static_cast<size_t>(a)].compare(keys[static_cast<size_t>(b)]) < 0;
            });
            sortNaturally(
                items, [&](int32_t i) -> std::string_view { return names[static_cast<size_t>(i)]; },
                collator);
            QStringList got, want;
            for (size_t i = 0; i < items.size(); ++i) {
                got << QString::fromStdString(names[static_cast<size_t>(items[i])]);
                want << QString::fromStdString(names[static_cast<size_t>(expected[i])]);
            }
            // Names the collator finds equal ("a1" and "a01") may stand in either order; nothing else.
            for (qsizetype i = 0; i < got.size(); ++i)
                if (got[i] != want[i])
                    QVERIFY2(
                        collator.compare(got[i], want[i]) == 0,
                        qPrintable(QStringLiteral("at %1: %2, expected %3").arg(i).arg(got[i], want[i])));
        };
        std::vector<std::string> generated;
        for (int n = 0; n < 3000; ++n)
            generated.push_back("file-" + std::to_string(n));
        check(generated);
        std::vector<std::string> tricky{
            "item10", "item2",  "Item1", "item1b", "alpha", "a_b",    "a-b",   "a.b",    "a b",
            "a:b",    "a/b",    "a1",    "a01",    "a001x", "a1x",    "A1X",   "résumé", "resume",
            "Résumé", "rèsume", "日本",  "zebra",  "Zebra", "_under", "-dash", "~tilde", "$dollar",
            "+plus",  "0",      "00",    "10",     "9",     "x9y",    "x10y",  "x9z",    "ß",
            "ss",     "st",     "Æ",     "ae",     "af",    "ø",      "o",     "ö",      "p",
            "a\\b",   "a#b",    "a@b",   "a!b",    "a?b",   "a(b",    "a[b",   "a{b",    "a'b"};
        check(tricky);
        // The same names shuffled many ways: the insertion pass fixes every disagreement of the cheap order.
        QRandomGenerator random(14);
        for (int round = 0; round < 20; ++round) {
            std::vector<std::string> shuffled = tricky;
            for (size_t i = shuffled.size(); i > 1; --i)
                std::swap(shuffled[i - 1], shuffled[random.bounded(static_cast<quint32>(i))]);
            check(shuffled);
        }
        // Danish sorts "aa" as "å", after "z": the byte key must not stand in for such a collation.
        collator = QCollator(QLocale(QLocale::Danish, QLocale::Denmark));
        collator.setNumericMode(true);
        collator.setCaseSensitivity(Qt::CaseInsensitive);
        QVERIFY(!collatorOrdersAsciiAsRoot(collator));
        if (collator.compare(QStringLiteral("aa"), QStringLiteral("z")) > 0) // ICU has Danish rules
            check({"aa", "z", "ab", "b", "item10", "item2"});
    }

    void filterText() {
        StateTreeModel model;
        StateFilterProxyModel proxy;
        proxy.setStateModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setIndex(
            StateIndex::build(test::fixture(QStringLiteral("app-stages/03-up-dev-again")).toStdString()));
        QSignalSpy counts(&proxy, &StateFilterProxyModel::matchCountChanged);

        // Case-insensitive, over id, FQN and kind: the four manifests and the four "deep" files below them.
        proxy.setText(QStringLiteral("MANIFEST"), false);
        QCOMPARE(proxy.matchCount(), 8);
        QCOMPARE(counts.last().at(0).toInt(), 8);
        // Ancestors of matches stay: shop > dev/prod > bundle, nested/bundle > manifest.
        QCOMPARE(proxy.rowCount(), 1);
        const QModelIndex dev = find(proxy, QStringLiteral("shop/dev"));
        QVERIFY(dev.isValid());
        QCOMPARE(childNames(proxy, dev),
                 (QStringList{QStringLiteral("bundle"), QStringLiteral("nested/bundle")}));
        QVERIFY(!proxy.matchesDirectly(proxy.mapToSource(dev)));
        // Siblings that do not match are hidden.
        QCOMPARE(childNames(proxy, find(proxy, QStringLiteral("shop/dev/bundle"))),
                 QStringList{QStringLiteral("manifest")});
        proxy.setText(QStringLiteral("test::manifest"), false); // by kind only
        QCOMPARE(proxy.matchCount(), 4);

        proxy.setText(QStringLiteral("fs::CopyFile"), false); // by kind
        QCOMPARE(proxy.matchCount(), 2);
        proxy.setText(QStringLiteral("^shop/prod/.*deep$"), true); // regex over the FQN, anchored per field
        QCOMPARE(proxy.matchCount(), 2);
        QVERIFY(find(proxy, QStringLiteral("shop/prod/nested/bundle/manifest/deep")).isValid());
        QVERIFY(!find(proxy, QStringLiteral("shop/dev/nested/bundle/manifest/deep")).isValid());
        proxy.setText(QStringLiteral("example.com/*"), false); // plain text: * is literal
        QCOMPARE(proxy.matchCount(), 2);
        proxy.setText(QStringLiteral("(unclosed"), true);
        QVERIFY(!proxy.regexValid());
        QCOMPARE(proxy.matchCount(), 0);
        QCOMPARE(proxy.rowCount(), 0);
        proxy.setText({}, false);
        QVERIFY(!proxy.isFiltering());
        QCOMPARE(proxy.rowCount(), 1);
    }

    void filterStatusAndKind() {
        QTemporaryDir dir;
        test::copyTree(test::fixture(QStringLiteral("app-stages/03-up-dev-again/.alchemy")),
                       dir.filePath(QStringLiteral(".alchemy")));
        const QString assets = dir.filePath(QStringLiteral(".alchemy/shop/dev/assets.json"));
        QByteArray text = test::readFile(assets);
        text.replace("\"status\": \"created\"", "\"status\": \"creating\"");
        QVERIFY(test::writeFile(assets, text));
        QVERIFY(
            test::writeFile(dir.filePath(QStringLiteral(".alchemy/shop/prod/broken.json")), "{ \"kind\": "));

        StateTreeModel model;
        StateFilterProxyModel proxy;
        proxy.setStateModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setIndex(StateIndex::build(dir.path().toStdString()));

        proxy.setKindFilter(QStringLiteral("fs::Folder"));
        QCOMPARE(proxy.matchCount(), 4);
        proxy.setStatusFilter(StateFilterProxyModel::StatusFilter::Interrupted);
        QCOMPARE(proxy.matchCount(), 1); // an interrupted fs::Folder
        QVERIFY(find(proxy, QStringLiteral("shop/dev/assets")).isValid());
        proxy.setKindFilter({});
        proxy.setStatusFilter(StateFilterProxyModel::StatusFilter::Unreadable);
        QCOMPARE(proxy.matchCount(), 1);
        const QModelIndex broken = find(proxy, QStringLiteral("shop/prod/broken"));
        QVERIFY(broken.isValid());
        QCOMPARE(static_cast<StatusCategory>(broken.data(StateTreeModel::StatusRole).toInt()),
                 StatusCategory::Unreadable);
        QVERIFY(broken.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Unreadable")));
        proxy.setStatusFilter(StateFilterProxyModel::StatusFilter::Problems);
        QCOMPARE(proxy.matchCount(), 2);
        // Scopes count the problems below them.
        QCOMPARE(model.indexForFqn(QStringLiteral("shop/dev"))
                     .siblingAtColumn(StateTreeModel::StatusColumn)
                     .data()
                     .toString(),
                 QStringLiteral("1 interrupted"));
        proxy.setText(QStringLiteral("assets"), false);
        QCOMPARE(proxy.matchCount(), 1);
        proxy.setStatusFilter(StateFilterProxyModel::StatusFilter::Settled);
        QCOMPARE(proxy.matchCount(), 1); // prod's assets
        QVERIFY(find(proxy, QStringLiteral("shop/prod/assets")).isValid());
    }

    // Issue 9.7 and 9.17 in the tree: an in-flight record is running now, failed in the last run or else
    // interrupted, and counted as such by its scopes; pending deletions are rows under the scope holding
    // them.
    void runsAndPendingDeletionsInTheTree() {
        QTemporaryDir dir;
        QVERIFY(test::makeRunsAndPendingTree(dir.path()));
        StateTreeModel model;
        RunActivity activity;
        model.setRunActivity(&activity);
        StateFilterProxyModel proxy;
        proxy.setStateModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setIndex(StateIndex::build(dir.path().toStdString()));
        QAbstractItemModelTester modelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);

        // Nothing known about runs: interrupted.
        QCOMPARE(statusText(model, QStringLiteral("life/dev/api")), QStringLiteral("interrupted"));
        QCOMPARE(statusText(model, QStringLiteral("life/dev")),
                 QStringLiteral("3 interrupted · 2 pending deletions"));

        // Pending deletions: a row at the end of the scope (or stage) whose record holds the list.
        const QModelIndex stage = model.indexForFqn(QStringLiteral("life/dev"));
        const QString stageKey = StateTreeModel::pendingKey(QStringLiteral("life/dev"), 0);
        const QModelIndex pending = model.indexForFqn(stageKey);
        QVERIFY(pending.isValid());
        QCOMPARE(pending.parent(), stage);
        QCOMPARE(pending.row(), model.rowCount(stage) - 1);
        QCOMPARE(model.index(pending.row(), 0, stage), pending);
        QCOMPARE(pending.data().toString(), QStringLiteral("readme"));
        QCOMPARE(pending.siblingAtColumn(StateTreeModel::KindColumn).data().toString(),
                 QStringLiteral("fs::File"));
        QCOMPARE(pending.siblingAtColumn(StateTreeModel::StatusColumn).data().toString(),
                 QStringLiteral("pending deletion"));
        QCOMPARE(pending.data(StateTreeModel::FqnRole).toString(), stageKey);
        QVERIFY(pending.data(Qt::ToolTipRole).toString().contains(QStringLiteral("life/dev.json")));
        QCOMPARE(model.rowCount(pending), 0);
        const QModelIndex storagePending =
            model.indexForFqn(StateTreeModel::pendingKey(QStringLiteral("life/dev/storage"), 0));
        QVERIFY(storagePending.isValid());
        QCOMPARE(storagePending.parent(), model.indexForFqn(QStringLiteral("life/dev/storage")));
        QCOMPARE(storagePending.data().toString(), QStringLiteral("db"));
        QCOMPARE(statusText(model, QStringLiteral("life/dev/storage")), QStringLiteral("1 pending deletion"));
        QVERIFY(
            !model.indexForFqn(StateTreeModel::pendingKey(QStringLiteral("life/dev/storage"), 1)).isValid());

        // The last recorded run failed on api.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QHash<QString, ResourceRun> failures;
        failures.insert(QStringLiteral("life/dev/api"),
                        ResourceRun{ResourceRun::State::Failed, StatusCategory::None,
                                    QStringLiteral("disk on fire"), QStringLiteral("/runs/x.log.jsonl"),
                                    QDateTime::currentDateTimeUtc(), Phase::Up});
        activity.setRecordedFailures(failures);
        QVERIFY(!changed.isEmpty()); // no reset: the rows concerned repaint
        QCOMPARE(statusText(model, QStringLiteral("life/dev/api")), QStringLiteral("failed"));
        QVERIFY(model.indexForFqn(QStringLiteral("life/dev/api"))
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("disk on fire")));
        QCOMPARE(statusText(model, QStringLiteral("life/dev")),
                 QStringLiteral("1 failed · 2 interrupted · 2 pending deletions"));

        // A live Up runs readme now; worker has just finished (its record not reloaded yet).
        activity.liveRunStarted(Phase::Up, QDateTime::currentDateTimeUtc());
        auto event = [](EventType type, const char* fqn) {
            EngineEvent e;
            e.type = type;
            e.fqn = fqn;
            return e;
        };
        activity.applyLiveEvents({event(EventType::Updating, "life/dev/readme"),
                                  event(EventType::Updating, "life/dev/worker"),
                                  event(EventType::Updated, "life/dev/worker")});
        QCOMPARE(statusText(model, QStringLiteral("life/dev/readme")), QStringLiteral("running"));
        QCOMPARE(statusText(model, QStringLiteral("life/dev/worker")), QStringLiteral("updated"));
        QCOMPARE(statusText(model, QStringLiteral("life/dev")),
                 QStringLiteral("1 running · 1 failed · 2 pending deletions"));
        const StateTreeModel::Totals totals = model.totals();
        QCOMPARE(totals.running, 1);
        QCOMPARE(totals.failed, 1);
        QCOMPARE(totals.interrupted, 0);
        QCOMPARE(totals.pending, 2);

        // The filter knows each of them.
        auto matches = [&](StateFilterProxyModel::StatusFilter filter) {
            proxy.setStatusFilter(filter);
            return proxy.matchCount();
        };
        QCOMPARE(matches(StateFilterProxyModel::StatusFilter::Running), 1);
        QCOMPARE(matches(StateFilterProxyModel::StatusFilter::Failed), 1);
        QCOMPARE(matches(StateFilterProxyModel::StatusFilter::Interrupted), 0);
        QCOMPARE(matches(StateFilterProxyModel::StatusFilter::PendingDeletion), 2);
        QVERIFY(find(proxy, stageKey).isValid());
        QCOMPARE(matches(StateFilterProxyModel::StatusFilter::Problems), 3); // 1 failed + 2 pending
        // The run ends with readme failed: the failure is the last run's now; the filter follows live.
        proxy.setStatusFilter(StateFilterProxyModel::StatusFilter::Failed);
        activity.applyLiveEvents({event(EventType::Failed, "life/dev/readme")});
        QCOMPARE(proxy.matchCount(), 2);
        activity.liveRunFinished(QStringLiteral("/runs/y.log.jsonl"));
        QCOMPARE(activity.find(QStringLiteral("life/dev/readme"))->logFile,
                 QStringLiteral("/runs/y.log.jsonl"));
        QCOMPARE(statusText(model, QStringLiteral("life/dev/readme")), QStringLiteral("failed"));
        QCOMPARE(statusText(model, QStringLiteral("life/dev/worker")), QStringLiteral("updated"));
        activity
            .forgetSettled(); // a snapshot after the run shows the truth; here the file still says updating
        QCOMPARE(statusText(model, QStringLiteral("life/dev/worker")), QStringLiteral("interrupted"));
        proxy.setStatusFilter(StateFilterProxyModel::StatusFilter::All);
    }

    void resetKeepsTesterHappy() {
        StateTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setIndex(
            StateIndex::build(test::fixture(QStringLiteral("lifecycle/run1-create")).toStdString()));
        model.setIndex(
            StateIndex::build(test::fixture(QStringLiteral("lifecycle/run2-update-orphans")).toStdString()));
        QVERIFY(!model.indexForFqn(QStringLiteral("life/dev/obsolete")).isValid());
        model.setIndex(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TestStateModels)
#include "tst_state_models.moc"
