// Stack files: the model a valid file yields, and every error naming the file and the JSON pointer.
#include "providers/Provider.h"
#include "stack/StackLoader.h"

#include <QTemporaryDir>
#include <QtTest>
#include <cstdlib>
#include <fstream>

using namespace athanor;
namespace fs = std::filesystem;

namespace {

class StackFixture {
public:
    StackFixture() : m_file(fs::path(m_dir.path().toStdString()) / "alchemy.stack.json") {}
    const fs::path& write(const std::string& text) {
        std::ofstream(m_file, std::ios::binary | std::ios::trunc) << text;
        return m_file;
    }
    const fs::path& file() const { return m_file; }

private:
    QTemporaryDir m_dir;
    fs::path m_file;
};

// The StackError message for `text`, with the file's path replaced by "FILE".
QString errorFor(const std::string& text) {
    StackFixture fixture;
    const fs::path& file = fixture.write(text);
    try {
        loadStackFile(file);
    } catch (const StackError& e) {
        QString message = QString::fromStdString(e.what());
        message.replace(QString::fromStdString(file.string()), "FILE");
        return message;
    }
    return "no error";
}

} // namespace

class TestStack : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        ::setenv("ATHANOR_TEST_STACK_VALUE", "from-env", 1);
        ::setenv("ATHANOR_TEST_STACK_PASSWORD", "team-scope-password", 1);
        ::unsetenv("ATHANOR_TEST_STACK_UNSET");
    }

    void validStack() {
        StackFixture fixture;
        const fs::path& file = fixture.write(R"({
  "$schema": "stack.schema.json",
  "app": "shop",
  "password": {"$env": "ATHANOR_TEST_STACK_UNSET", "default": "correct horse battery staple"},
  "resources": {
    "zeta": {"kind": "fs::File", "props": {"content": {"$env": "ATHANOR_TEST_STACK_VALUE"}, "path": "z.txt"}},
    "alpha": {"kind": "os::Exec", "props": {"command": "true",
              "env": {"KEY": {"$secret": {"$env": "ATHANOR_TEST_STACK_VALUE"}}, "LIT": {"$secret": "lit"}},
              "list": [{"$env": "ATHANOR_TEST_STACK_UNSET", "default": 3}]}},
    "routes/api": {"kind": "fs::Folder"},
    "uses": {"kind": "fs::File", "props": {"content": {"$ref": "storage/seed", "output": "content"},
             "also": {"$ref": "storage/seed"}, "again": {"$ref": "zeta"}}}
  },
  "scopes": {
    "storage": {
      "password": {"$env": "ATHANOR_TEST_STACK_PASSWORD"},
      "resources": {"seed": {"kind": "fs::File", "props": {"content": "INSERT 1;"}}},
      "scopes": {"cache": {"resources": {"warm": {"kind": "fs::File", "props": {"content": "w"}}}}}
    }
  }
})");
        const StackFile stack = loadStackFile(file);
        QCOMPARE(stack.app, std::string("shop"));
        QCOMPARE(stack.file, file);
        QCOMPARE(stack.folder, fs::absolute(file).parent_path());
        QVERIFY(stack.password);
        QCOMPARE(std::string(stack.password->view()), std::string("correct horse battery staple"));

        const auto& resources = stack.root.resources;
        QCOMPARE(resources.size(), size_t(4));
        // Declaration order, not alphabetical.
        QCOMPARE(resources[0].id, std::string("zeta"));
        QCOMPARE(resources[1].id, std::string("alpha"));
        QCOMPARE(resources[2].id, std::string("routes/api"));
        QCOMPARE(resources[2].jsonPath, std::string("/resources/routes~1api"));
        QCOMPARE(resources[2].props, Json::object());
        QCOMPARE(resources[0].props.dump(), std::string(R"({"content":"from-env","path":"z.txt"})"));
        QCOMPARE(
            resources[1].props.dump(),
            std::string(R"({"command":"true","env":{"KEY":{"@secret":"from-env"},"LIT":{"@secret":"lit"}},)"
                        R"("list":[3]})"));
        QCOMPARE(resources[3].props["content"].dump(),
                 std::string(R"({"$ref":"storage/seed","output":"content"})"));
        QCOMPARE(resources[3].dependsOn, (std::vector<std::string>{"storage/seed", "zeta"}));
        QCOMPARE(resources[3].jsonPath, std::string("/resources/uses"));

        QCOMPARE(stack.root.scopes.size(), size_t(1));
        const DeclaredScope& storage = stack.root.scopes[0];
        QCOMPARE(storage.name, std::string("storage"));
        QCOMPARE(storage.jsonPath, std::string("/scopes/storage"));
        QVERIFY(storage.password);
        QCOMPARE(std::string(storage.password->view()), std::string("team-scope-password"));
        QCOMPARE(storage.resources[0].jsonPath, std::string("/scopes/storage/resources/seed"));
        QCOMPARE(storage.scopes[0].resources[0].id, std::string("warm"));
        QVERIFY(!storage.scopes[0].password);

        requireKnownKinds(stack, *ProviderRegistry::withBuiltins());
    }

    void unknownReference() {
        QCOMPARE(errorFor(R"({"app": "shop", "resources": {"api": {"kind": "fs::File",
                 "props": {"x": {"$ref": "storage/nope"}}}}})"),
                 QString("FILE: /resources/api/props/x: unknown reference \"storage/nope\" (no resource is "
                         "declared at that path)"));
    }

    void referenceCycle() {
        QCOMPARE(errorFor(R"({"app": "shop", "resources": {
                 "a": {"kind": "fs::File", "props": {"content": {"$ref": "s/b", "output": "content"}}}},
                 "scopes": {"s": {"resources": {
                 "b": {"kind": "fs::File", "props": {"content": {"$ref": "a", "output": "content"}}}}}}})"),
                 QString("FILE: /resources/a/props: reference cycle: a -> s/b -> a"));
        QCOMPARE(errorFor(R"({"app": "shop", "resources": {"self": {"kind": "fs::File",
                 "props": {"content": {"$ref": "self"}}}}})"),
                 QString("FILE: /resources/self/props: reference cycle: self -> self"));
    }

    void missingEnvironmentVariable() {
        QCOMPARE(
            errorFor(R"({"app": "shop", "resources": {"a": {"kind": "fs::File",
                 "props": {"list": [1, {"$env": "ATHANOR_TEST_STACK_UNSET"}]}}}})"),
            QString(
                "FILE: /resources/a/props/list/1: environment variable ATHANOR_TEST_STACK_UNSET is not set "
                "(and no \"default\" is given)"));
        QCOMPARE(errorFor(R"({"app": "shop", "password": {"$env": "ATHANOR_TEST_STACK_UNSET"}})"),
                 QString("FILE: /password: environment variable ATHANOR_TEST_STACK_UNSET is not set (and no "
                         "\"default\" is given)"));
    }

    // Props are expanded in place with one pointer buffer: what a nested sibling appended is gone again
    // when the next member is reached, and the props of one resource never leak into the next's.
    void pointersAfterNestedSiblings() {
        QCOMPARE(errorFor(R"({"app": "shop", "resources": {
                 "a": {"kind": "fs::File", "props": {"deep": [{"x": [1, {"y": {"$secret": "s"}}]}]}},
                 "b": {"kind": "fs::File", "props": {"list": [0, [1, 2]], "z~/": {"$secret": {"$ref": "a"}}}}}})"),
                 QString("FILE: /resources/b/props/z~0~1/$secret: a $ref cannot be used here"));
        QCOMPARE(
            errorFor(R"({"app": "shop", "resources": {
                 "a": {"kind": "fs::File", "props": {"m": {"n": {"$env": "HOME"}}, "o": [[{"$env": "ATHANOR_TEST_STACK_UNSET"}]]}}}})"),
            QString(
                "FILE: /resources/a/props/o/0/0: environment variable ATHANOR_TEST_STACK_UNSET is not set "
                "(and no \"default\" is given)"));
    }

    void badIds() {
        QCOMPARE(errorFor(R"({"app": "shop", "resources": {"a:b": {"kind": "fs::File"}}})"),
                 QString("FILE: /resources/a:b: invalid resource id \"a:b\": it contains ':'"));
        QCOMPARE(
            errorFor(R"({"app": "shop", "resources": {"x/../y": {"kind": "fs::File"}}})"),
            QString("FILE: /resources/x~1..~1y: invalid resource id \"x/../y\": it contains a '..' segment"));
        QCOMPARE(errorFor(R"({"app": "shop", "scopes": {"a/b": {}}})"),
                 QString("FILE: /scopes/a~1b: invalid scope name \"a/b\": it contains '/'"));
        QCOMPARE(errorFor(R"({"app": ""})"), QString("FILE: /app: invalid app name \"\": it is empty"));
        QCOMPARE(
            errorFor(R"({"app": "shop", "resources": {"x": {"kind": "fs::File"}}, "scopes": {"x": {}}})"),
            QString("FILE: /scopes/x: scope \"x\" has the same name as a resource of its parent scope (both "
                    "would be stored as x.json)"));
        QCOMPARE(
            errorFor(R"({"app": "shop", "resources": {"a/b": {"kind": "fs::File"}},
                 "scopes": {"a": {"resources": {"b": {"kind": "fs::File"}}}}})"),
            QString(
                "FILE: /scopes/a/resources/b: declares \"a/b\" again (first declared at /resources/a~1b)"));
    }

    void unknownKeys() {
        QCOMPARE(
            errorFor(R"({"app": "shop", "resource": {}})"),
            QString("FILE: /resource: unknown key \"resource\" (expected $schema, app, password, resources, "
                    "scopes)"));
        QCOMPARE(errorFor(R"({"app": "shop", "resources": {"a": {"kind": "fs::File", "prop": {}}}})"),
                 QString("FILE: /resources/a/prop: unknown key \"prop\" (expected kind, props)"));
        QCOMPARE(errorFor(R"({"app": "shop", "scopes": {"s": {"resource": {}}}})"),
                 QString("FILE: /scopes/s/resource: unknown key \"resource\" (expected password, resources, "
                         "scopes)"));
        QCOMPARE(
            errorFor(R"({"app": "shop", "resources": {"a": {"kind": "fs::File",
                 "props": {"x": {"$env": "HOME", "defualt": 1}}}}})"),
            QString("FILE: /resources/a/props/x/defualt: unknown key \"defualt\" (expected $env, default)"));
        QCOMPARE(
            errorFor(R"({"app": "shop", "resources": {"a": {"kind": "fs::File",
                 "props": {"x": {"$ref": "b", "outptu": "y"}}}, "b": {"kind": "fs::File"}}})"),
            QString("FILE: /resources/a/props/x/outptu: unknown key \"outptu\" (expected $ref, output)"));
    }

    void structuralErrors() {
        QCOMPARE(errorFor(R"({"resources": {}})"),
                 QString("FILE: /: \"app\" is required (the application name)"));
        QCOMPARE(errorFor(R"({"app": "shop", "resources": {"a": {"props": {}}}})"),
                 QString("FILE: /resources/a: \"kind\" is required (for example \"fs::File\")"));
        QCOMPARE(errorFor(R"({"app": "shop", "resources": {"a": {"kind": "fs::File", "props": []}}})"),
                 QString("FILE: /resources/a/props: must be an object, not an array"));
        QCOMPARE(errorFor(R"({"app": "shop", "password": {"$secret": "x"}})"),
                 QString("FILE: /password: a $secret cannot be used here"));
        QVERIFY(errorFor("{\"app\": \"shop\",\n  oops}").startsWith("FILE: line 2"));

        StackFixture fixture;
        try {
            loadStackFile(fixture.file());
            QFAIL("expected StackError");
        } catch (const StackError& e) {
            QCOMPARE(QString::fromStdString(e.what()),
                     QString::fromStdString(fixture.file().string() + ": no such stack file"));
        }
    }

    // Hostile stack files end in a StackError naming the file and where, never a crash or a raw library
    // message.
    void hostileText() {
        // A NUL in an id no longer cuts the message at the NUL: the pointer and the reason are whole.
        // (Ordinary literals: moc misreads a \u escape in a raw string.)
        const QString nul =
            errorFor("{\"app\": \"shop\", \"resources\": {\"a\\u0000b\": {\"kind\": \"fs::File\"}}}");
        QVERIFY2(nul.startsWith("FILE: /resources/a\\u0000b: invalid resource id \"a"), qPrintable(nul));
        QVERIFY2(nul.endsWith("NUL byte"), qPrintable(nul));
        QCOMPARE(
            errorFor(
                "{\"app\": \"shop\", \"resources\": {\"a\": {\"kind\": \"fs::File\", \"p\\u0001\": 1}}}"),
            QString("FILE: /resources/a/p\\u0001: unknown key \"p\\u0001\" (expected kind, props)"));
        // A number beyond a double: the file, line and column, and the value's JSON pointer.
        QCOMPARE(errorFor("{\"app\": \"shop\", \"resources\": {\"x\": {\"kind\": \"fs::File\",\n"
                          "  \"props\": {\"n\": [1, 2e444]}}}}"),
                 QString("FILE: line 2, column 22, at /resources/x/props/n/1: the number 2e444 is beyond the "
                         "range of a double"));
        // Nesting beyond the parser's limit.
        const std::string deep = std::string(40000, '[') + std::string(40000, ']');
        QCOMPARE(
            errorFor(R"({"app": "shop", "resources": {"x": {"kind": "fs::File", "props": {"n": )" + deep +
                     "}}}}"),
            QString("FILE: line 1, column 1068: nesting deeper than 1000 levels of arrays and objects (no "
                    "real record comes near it)"));
    }

    // A chain of $refs as long as the file: checked without recursion (each link was a stack frame). The
    // links are spread over scopes of 100 resources each (nlohmann's ordered objects insert in linear time).
    void longReferenceChains() {
        constexpr int kScopes = 1000, kPerScope = 100, kLinks = kScopes * kPerScope;
        const auto path = [](int link) {
            return "s" + std::to_string(link / kPerScope) + "/r" + std::to_string(link % kPerScope);
        };
        const auto chain = [&](bool backToTheStart) {
            std::string scopes;
            for (int s = 0; s < kScopes; ++s) {
                scopes += "\"s" + std::to_string(s) + "\": {\"resources\": {";
                for (int r = 0; r < kPerScope; ++r) {
                    const int link = s * kPerScope + r;
                    const bool last = link + 1 == kLinks;
                    scopes += "\"r" + std::to_string(r) + "\": {\"kind\": \"fs::File\"";
                    if (!last || backToTheStart)
                        scopes += ", \"props\": {\"x\": {\"$ref\": \"" + path(last ? 0 : link + 1) + "\"}}";
                    scopes += r + 1 == kPerScope ? "}" : "},";
                }
                scopes += s + 1 == kScopes ? "}}" : "}},";
            }
            return R"({"app": "shop", "scopes": {)" + scopes + "}}";
        };
        const QString cycle = errorFor(chain(true));
        QVERIFY2(cycle.startsWith("FILE: /scopes/s0/resources/r0/props: reference cycle: s0/r0 -> s0/r1 -> "),
                 qPrintable(cycle.left(200)));
        QVERIFY2(cycle.endsWith(" -> s999/r99 -> s0/r0"), qPrintable(cycle.right(200)));

        StackFixture fixture;
        const StackFile stack = loadStackFile(fixture.write(chain(false)));
        QCOMPARE(stack.root.scopes.size(), size_t{kScopes});
        QCOMPARE(stack.root.scopes.front().resources.front().dependsOn, std::vector<std::string>{"s0/r1"});
    }

    void unknownKind() {
        StackFixture fixture;
        const StackFile stack = loadStackFile(fixture.write(
            R"({"app": "shop", "scopes": {"s": {"resources": {"a": {"kind": "aws::Bucket"}}}}})"));
        try {
            requireKnownKinds(stack, *ProviderRegistry::withBuiltins());
            QFAIL("expected StackError");
        } catch (const StackError& e) {
            QVERIFY2(std::string(e.what()).find("/scopes/s/resources/a/kind: unknown kind \"aws::Bucket\"") !=
                         std::string::npos,
                     e.what());
        }
    }

    void pointerTokens() { QCOMPARE(jsonPointerToken("a/b~c"), std::string("a~1b~0c")); }
};

QTEST_APPLESS_MAIN(TestStack)
#include "tst_stack.moc"
