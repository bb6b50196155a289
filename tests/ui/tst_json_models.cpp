// The JSON tree model (lazy children, typed values, serde tags, secrets) and the oldProps -> props diff
// model.
#include "UiTestUtil.h"
#include "app/Application.h"
#include "models/JsonDiffModel.h"
#include "models/JsonTreeModel.h"

#include "json/JsonParse.h"
#include <QAbstractItemModelTester>
#include <QtTest>

using namespace athanor;
using namespace athanor::ui;

class TestJsonModels : public QObject {
    Q_OBJECT

    static QModelIndex child(const QAbstractItemModel& m, const QString& key,
                             const QModelIndex& parent = {}) {
        for (int row = 0; row < m.rowCount(parent); ++row)
            if (m.index(row, 0, parent).data().toString() == key)
                return m.index(row, 0, parent);
        return {};
    }
    static QString value(const QModelIndex& index, int column) {
        return index.siblingAtColumn(column).data().toString();
    }

private slots:
    void initTestCase() { initResources(); }

    void lazyChildren() {
        Json big = Json::array();
        for (int i = 0; i < 1000; ++i)
            big.push_back(Json{{"n", i}});
        auto doc = std::make_shared<const Json>(Json{{"props", {{"big", big}, {"small", {1, 2}}}}});
        JsonTreeModel model;
        model.setDocument(doc, "/props", QStringLiteral("props"));
        QCOMPARE(model.rowCount(), 2);
        const QModelIndex bigIndex = child(model, QStringLiteral("big"));
        QVERIFY(model.hasChildren(bigIndex));
        QCOMPARE(model.rowCount(bigIndex), 0); // nothing created before it is opened
        QVERIFY(model.canFetchMore(bigIndex));
        model.fetchMore(bigIndex);
        QCOMPARE(model.rowCount(bigIndex), JsonTreeModel::kFetchBatch);
        while (model.canFetchMore(bigIndex))
            model.fetchMore(bigIndex);
        QCOMPARE(model.rowCount(bigIndex), 1000);
        const QModelIndex last = model.index(999, 0, bigIndex);
        QCOMPARE(last.data(JsonTreeModel::PathRole).toString(), QStringLiteral("props.big[999]"));
        QCOMPARE(last.data(JsonTreeModel::PointerRole).toString(), QStringLiteral("/props/big/999"));
        QCOMPARE(value(last, JsonTreeModel::ValueColumn), QStringLiteral("{ 1 key }"));
        QCOMPARE(value(bigIndex, JsonTreeModel::ValueColumn), QStringLiteral("[ 1000 items ]"));
        // The tester walks (and so fetches) every node. Qt 6.4's tester runs its checks from inside a model
        // reset, before it has noted the reset's end, so it is attached after setDocument, not before.
        JsonTreeModel tested;
        tested.setDocument(doc, "/props", QStringLiteral("props"));
        {
            // Construction runs every check, fetching one batch of each lazy node under its own guard.
            // Qt 6.4's tester re-runs its checks from inside rowsInserted and then fetches again, nested in
            // our insert, so it is not kept attached while the test fetches the rest.
            QAbstractItemModelTester tester(&tested, QAbstractItemModelTester::FailureReportingMode::QtTest);
        }
        const QModelIndex testedBig = child(tested, QStringLiteral("big"));
        QCOMPARE(tested.rowCount(testedBig), JsonTreeModel::kFetchBatch);
        // indexForPointer fetches on the way down.
        JsonTreeModel fresh;
        fresh.setDocument(doc, "/props", QStringLiteral("props"));
        const QModelIndex deep = fresh.indexForPointer("/props/big/700/n");
        QVERIFY(deep.isValid());
        QCOMPARE(value(deep, JsonTreeModel::ValueColumn), QStringLiteral("700"));
    }

    void typedValuesAndTags() {
        const Json record = parseJsonText(R"J({
            "output": {
                "Symbol(alchemy::ResourceKind)": "fs::File",
                "Symbol(alchemy::ResourceScope)": {"@scope": null},
                "when": {"@date": "1970-01-01T00:00:00.005Z"},
                "bytes": {"@buffer": "aGk="},
                "sym": {"@symbol": "Symbol(alchemy::Thing)"},
                "ref": {"@resource": "shop/dev/config"},
                "n": 1.5, "t": true, "z": null, "s": "text", "weird key": 1,
                "secret": {
        "@secret" : {
            "version" : "v1", "ciphertext" : "AA==", "iv" : "AA==", "salt" : "AA==", "tag" : "AA=="
        }}
}
})J");
        JsonTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDocument(std::make_shared<const Json>(record), "/output", QStringLiteral("output"));
        QCOMPARE(model.rowCount(), 12);
        const QModelIndex kind = model.index(0, 0);
        QCOMPARE(kind.data().toString(), QStringLiteral("alchemy::ResourceKind"));
        QVERIFY(
            kind.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Symbol(alchemy::ResourceKind)")));
        QCOMPARE(value(model.index(1, 0), 1), QStringLiteral("the enclosing scope"));
        QCOMPARE(value(child(model, QStringLiteral("when")), 1),
                 QStringLiteral("1970-01-01 00:00:00.005 UTC"));
        QCOMPARE(value(child(model, QStringLiteral("when")), 2), QStringLiteral("date"));
        QCOMPARE(value(child(model, QStringLiteral("bytes")), 1), QStringLiteral("2 bytes · “hi”"));
        QCOMPARE(value(child(model, QStringLiteral("sym")), 1), QStringLiteral("Symbol(alchemy::Thing)"));
        const QModelIndex ref = child(model, QStringLiteral("ref"));
        QCOMPARE(ref.data(JsonTreeModel::ReferenceRole).toString(), QStringLiteral("shop/dev/config"));
        QCOMPARE(value(ref, 2), QStringLiteral("reference"));
        QVERIFY(!model.hasChildren(ref)); // a tag is one value
        QCOMPARE(value(child(model, QStringLiteral("n")), 1), QStringLiteral("1.5"));
        QCOMPARE(value(child(model, QStringLiteral("s")), 1), QStringLiteral("\"text\""));
        QCOMPARE(child(model, QStringLiteral("s")).data(JsonTreeModel::CopyValueRole).toString(),
                 QStringLiteral("text"));
        QCOMPARE(child(model, QStringLiteral("weird key")).data(JsonTreeModel::PathRole).toString(),
                 QStringLiteral("output[\"weird key\"]"));
        const QModelIndex secret = child(model, QStringLiteral("secret"));
        QVERIFY(secret.data(JsonTreeModel::SecretRole).toBool());
        QVERIFY(!secret.data(JsonTreeModel::SecretOpenRole).toBool());
        QCOMPARE(value(secret, 1), QStringLiteral("•••••••"));
        QVERIFY(
            secret.data(JsonTreeModel::CopyValueRole).toString().isEmpty()); // nothing to copy while locked
        QVERIFY(!model.hasChildren(secret));
        // Values are coloured.
        QVERIFY(
            child(model, QStringLiteral("n")).siblingAtColumn(1).data(Qt::ForegroundRole).value<QColor>() !=
            child(model, QStringLiteral("s")).siblingAtColumn(1).data(Qt::ForegroundRole).value<QColor>());
    }

    void scalarAndAbsentParts() {
        JsonTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto doc = std::make_shared<const Json>(Json{{"props", 42}, {"data", Json::object()}});
        model.setDocument(doc, "/props", QStringLiteral("props"));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(value(model.index(0, 0), 1), QStringLiteral("42"));
        model.setDocument(doc, "/output", QStringLiteral("output"));
        QVERIFY(model.isEmpty());
        QCOMPARE(model.rowCount(), 0);
        model.setDocument(doc, "/data", QStringLiteral("data"));
        QVERIFY(!model.isEmpty());
        QCOMPARE(model.rowCount(), 0);
    }

    void diff() {
        const Json record = parseJsonText(R"J({
            "props": {"same": 1, "changed": "new", "added": true, "list": [1, 2, 3], "nested": {"a": 1, "b": 2},
                      "secret": {"@secret": {"version": "v1", "ciphertext": "BB==", "iv": "AA==", "salt": "AA==", "tag": "AA=="}},
                      "when": {"@date": "2024-01-02T00:00:00.000Z"}},
            "oldProps": {"same": 1, "changed": "old", "gone": 5, "list": [1, 2], "nested": {"a": 1, "b": 3},
                         "secret": {"@secret": {"version": "v1", "ciphertext": "AA==", "iv": "AA==", "salt": "AA==", "tag": "AA=="}},
                         "when": {"@date": "2024-01-01T00:00:00.000Z"}}
        })J");
        JsonDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRecord(std::make_shared<const Json>(record));
        QVERIFY(model.hasDiff());
        auto change = [&](const QModelIndex& i) {
            return static_cast<JsonDiffModel::Change>(i.data(JsonDiffModel::ChangeRole).toInt());
        };
        QCOMPARE(change(child(model, QStringLiteral("same"))), JsonDiffModel::Change::Unchanged);
        QCOMPARE(change(child(model, QStringLiteral("changed"))), JsonDiffModel::Change::Changed);
        QCOMPARE(value(child(model, QStringLiteral("changed")), JsonDiffModel::BeforeColumn),
                 QStringLiteral("\"old\""));
        QCOMPARE(value(child(model, QStringLiteral("changed")), JsonDiffModel::AfterColumn),
                 QStringLiteral("\"new\""));
        QCOMPARE(change(child(model, QStringLiteral("gone"))), JsonDiffModel::Change::Removed);
        QCOMPARE(change(child(model, QStringLiteral("added"))), JsonDiffModel::Change::Added);
        const QModelIndex list = child(model, QStringLiteral("list"));
        QVERIFY(list.data(JsonDiffModel::HasChangesRole).toBool());
        QCOMPARE(model.rowCount(list), 3);
        QCOMPARE(change(model.index(2, 0, list)), JsonDiffModel::Change::Added);
        QCOMPARE(change(model.index(0, 0, list)), JsonDiffModel::Change::Unchanged);
        const QModelIndex nested = child(model, QStringLiteral("nested"));
        QCOMPARE(change(child(model, QStringLiteral("b"), nested)), JsonDiffModel::Change::Changed);
        QVERIFY(!child(model, QStringLiteral("a"), nested).data(JsonDiffModel::HasChangesRole).toBool());
        // Locked secrets cannot be compared: different ciphertexts say nothing about the plaintexts.
        const QModelIndex secret = child(model, QStringLiteral("secret"));
        QCOMPARE(change(secret), JsonDiffModel::Change::Unknown);
        QCOMPARE(value(secret, JsonDiffModel::AfterColumn), QStringLiteral("secret — unknown"));
        QCOMPARE(change(child(model, QStringLiteral("when"))), JsonDiffModel::Change::Changed);
        const auto s = model.summary();
        QCOMPARE(s.changed, 3);
        QCOMPARE(s.added, 2);
        QCOMPARE(s.removed, 1);
        QCOMPARE(s.unknown, 1);

        model.setRecord(std::make_shared<const Json>(Json{{"props", Json::object()}}));
        QVERIFY(!model.hasDiff());
        QCOMPARE(model.rowCount(), 0);
    }

    void realInterruptedRecord() {
        // A record left "updating" by a real run: oldProps -> props of the fixture's config file.
        const QByteArray text = test::readFile(
            test::fixture(QStringLiteral("lifecycle/run2-update-orphans/.alchemy/life/dev/readme.json")));
        Json record = parseJsonText(text.toStdString());
        Json old = record.at("props");
        old["content"] = "an older text";
        record["oldProps"] = old;
        record["status"] = "updating";
        JsonDiffModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRecord(std::make_shared<const Json>(record));
        QCOMPARE(model.summary().changed, 1);
        QCOMPARE(value(child(model, QStringLiteral("content")), JsonDiffModel::BeforeColumn),
                 QStringLiteral("\"an older text\""));
    }
};

QTEST_MAIN(TestJsonModels)
#include "tst_json_models.moc"
