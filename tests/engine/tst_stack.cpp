// Stack files: the model a valid file yields, and every error naming the file and the JSON pointer.
#include "providers/Provider.h"
#include "stack/StackLoader.h"

#include <QTemporaryDir>
#include <QtTest>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>

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

// (Ordinary literals where a raw one would end in a quote or a letter before its ")": moc misreads those.)
// A stack file large enough to be read on several threads (StackLoader reads files of 1 MiB or more so):
// `scopes` child scopes "s0".. of `perScope` resources "f0".. each. `resource(s, r)` may replace a
// declaration's text, `scopeText(s)` a whole scope's; `rootResources` are the stage's own resources.
std::string largeStack(int scopes, int perScope,
                       const std::function<std::optional<std::string>(int, int)>& resource = {},
                       const std::function<std::optional<std::string>(int)>& scopeText = {},
                       const std::string& rootResources = "") {
    const std::string padding(480, 'x');
    std::string text = R"({"app": "shop", "resources": {)" + rootResources + R"(}, "scopes": {)";
    for (int s = 0; s < scopes; ++s) {
        text += "\"s" + std::to_string(s) + "\": ";
        if (const auto custom = scopeText ? scopeText(s) : std::nullopt) {
            text += *custom;
        } else {
            text += R"({"resources": {)";
            for (int r = 0; r < perScope; ++r) {
                text += "\"f" + std::to_string(r) + "\": ";
                if (const auto declaration = resource ? resource(s, r) : std::nullopt)
                    text += *declaration;
                else
                    text += "{\"kind\": \"fs::File\", \"props\": {\"path\": \"out/s" + std::to_string(s) +
                            "-" + std::to_string(r) + ".txt\", \"content\": \"" + padding + "\"}}";
                text += r + 1 < perScope ? ", " : "";
            }
            text += "}}";
        }
        text += s + 1 < scopes ? ",\n" : "";
    }
    text += "}}";
    if (text.size() < 1024 * 1024)
        qFatal("largeStack: %zu bytes is read on one thread", text.size());
    return text;
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

    // A large file's child scopes are read on several threads: the model is the one a small file gives, in
    // declaration order, with $refs across scopes, scope passwords and JSON pointers.
    void largeStackModel() {
        constexpr int kScopes = 60, kPerScope = 40;
        StackFixture fixture;
        const std::string text = largeStack(
            kScopes, kPerScope,
            [](int s, int r) -> std::optional<std::string> {
                if (s == 0 || s == 14 || r % 7 != 3) // (scope 13 is the one below)
                    return std::nullopt;
                return "{\"kind\": \"fs::File\", \"props\": {\"content\": {\"$ref\": \"s" +
                       std::to_string(s - 1) + "/f" + std::to_string(r) +
                       "\", \"output\": \"content\"}, \"n\": " + std::to_string(s) + "}}";
            },
            [](int s) -> std::optional<std::string> {
                if (s != 13)
                    return std::nullopt;
                return R"({"password": {"$env": "ATHANOR_TEST_STACK_PASSWORD"},
                           "resources": {"only": {"kind": "fs::Folder"}},
                           "scopes": {"inner": {"resources": {"deep": {"kind": "fs::File",
                                      "props": {"x": {"$ref": "s12/f3"}}}}}}})";
            },
            R"("top": {"kind": "fs::File", "props": {"x": {"$ref": "s59/f39"}}})");
        const StackFile stack = loadStackFile(fixture.write(text));
        QCOMPARE(stack.root.resources.size(), size_t(1));
        QCOMPARE(stack.root.resources[0].dependsOn, std::vector<std::string>{"s59/f39"});
        QCOMPARE(stack.root.scopes.size(), size_t(kScopes));
        for (int s = 0; s < kScopes; ++s) {
            const DeclaredScope& scope = stack.root.scopes[size_t(s)];
            const std::string name = "s" + std::to_string(s);
            QCOMPARE(scope.name, name);
            QCOMPARE(scope.jsonPath, "/scopes/" + name);
            if (s == 13) {
                QVERIFY(scope.password);
                QCOMPARE(std::string(scope.password->view()), std::string("team-scope-password"));
                QCOMPARE(scope.resources.size(), size_t(1));
                QCOMPARE(scope.scopes.size(), size_t(1));
                QCOMPARE(scope.scopes[0].resources[0].jsonPath,
                         std::string("/scopes/s13/scopes/inner/resources/deep"));
                QCOMPARE(scope.scopes[0].resources[0].dependsOn, std::vector<std::string>{"s12/f3"});
                continue;
            }
            QVERIFY(!scope.password);
            QCOMPARE(scope.resources.size(), size_t(kPerScope));
            for (int r = 0; r < kPerScope; ++r) {
                const DeclaredResource& resource = scope.resources[size_t(r)];
                QCOMPARE(resource.id, "f" + std::to_string(r));
                QCOMPARE(resource.kind, std::string("fs::File"));
                QCOMPARE(resource.jsonPath, "/scopes/" + name + "/resources/f" + std::to_string(r));
                if (s > 0 && s != 14 && r % 7 == 3) {
                    QCOMPARE(resource.dependsOn, std::vector<std::string>{"s" + std::to_string(s - 1) + "/f" +
                                                                          std::to_string(r)});
                    QCOMPARE(resource.props["n"].get<int>(), s);
                } else {
                    QVERIFY(resource.dependsOn.empty());
                    QCOMPARE(resource.props["path"].get<std::string>(),
                             "out/s" + std::to_string(s) + "-" + std::to_string(r) + ".txt");
                    QCOMPARE(resource.props.size(), size_t(2));
                }
            }
        }
    }

    // The error a large file reports is the first in document order, as for a small file, whichever thread
    // read the scope it is in: a scope's own problem before a later scope's resource, a resource declared
    // twice (across the stage and a scope) before a later problem of the same scope.
    void largeStackFirstErrorInDocumentOrder() {
        const auto badResource = [](int badScope, int badResourceIndex, const std::string& declaration) {
            return [=](int s, int r) -> std::optional<std::string> {
                if (s == badScope && r == badResourceIndex)
                    return declaration;
                return std::nullopt;
            };
        };
        const auto both = [](std::function<std::optional<std::string>(int, int)> a,
                             std::function<std::optional<std::string>(int, int)> b) {
            return [=](int s, int r) {
                return a(s, r) ? a(s, r) : b(s, r);
            };
        };
        const std::string unknownKey = R"({"kind": "fs::File", "kinds": 1})";
        const std::string badId = R"({"kind": "fs::File", "props": {"x": {"$secret": {"$secret": 1}}}})";

        // Two scopes in error: the earlier one's, although the later one is smaller and read first.
        QCOMPARE(
            errorFor(largeStack(60, 40, both(badResource(3, 35, unknownKey), badResource(40, 0, badId)))),
            QString("FILE: /scopes/s3/resources/f35/kinds: unknown key \"kinds\" (expected kind, props)"));
        QCOMPARE(
            errorFor(largeStack(60, 40, both(badResource(3, 35, badId), badResource(40, 0, unknownKey)))),
            QString("FILE: /scopes/s3/resources/f35/props/x/$secret: a $secret cannot be used here"));
        // A scope's own problem (checked on the loading thread) against a resource's (read by a helper).
        const auto scopeWithUnknownKey = [](int at) {
            return [at](int s) -> std::optional<std::string> {
                if (s != at)
                    return std::nullopt;
                return std::string(R"({"oops": 1, "resources": {"f0": {"kind": "fs::File", "kinds": 2}}})");
            };
        };
        QCOMPARE(
            errorFor(largeStack(60, 40, badResource(5, 39, unknownKey), scopeWithUnknownKey(6))),
            QString("FILE: /scopes/s5/resources/f39/kinds: unknown key \"kinds\" (expected kind, props)"));
        QCOMPARE(
            errorFor(largeStack(60, 40, badResource(20, 0, unknownKey), scopeWithUnknownKey(6))),
            QString("FILE: /scopes/s6/oops: unknown key \"oops\" (expected password, resources, scopes)"));
        const auto notAnObject = [](int s) -> std::optional<std::string> {
            return s == 4 ? std::optional<std::string>("3") : std::nullopt;
        };
        QCOMPARE(errorFor(largeStack(60, 40, badResource(30, 1, unknownKey), notAnObject)),
                 QString("FILE: /scopes/s4: must be an object, not a number"));
        // Declared twice: the stage's "s7/f2" and scope s7's f2, before s7's later problem and a later
        // scope's.
        const std::string twice = R"("s7/f2": {"kind": "fs::Folder"})";
        QCOMPARE(errorFor(largeStack(
                     60, 40, both(badResource(7, 9, unknownKey), badResource(50, 0, unknownKey)), {}, twice)),
                 QString("FILE: /scopes/s7/resources/f2: declares \"s7/f2\" again (first declared at "
                         "/resources/s7~1f2)"));
        // ... but after an earlier scope's problem.
        QCOMPARE(
            errorFor(largeStack(60, 40, badResource(6, 39, unknownKey), {}, twice)),
            QString("FILE: /scopes/s6/resources/f39/kinds: unknown key \"kinds\" (expected kind, props)"));
        // References are checked once every scope is read: the first unknown one in document order.
        const auto refTo = [](const std::string& target) {
            return "{\"kind\": \"fs::File\", \"props\": {\"x\": {\"$ref\": \"" + target + "\"}}}";
        };
        QCOMPARE(errorFor(largeStack(
                     60, 40, both(badResource(10, 1, refTo("nope/a")), badResource(50, 1, refTo("nope/b"))))),
                 QString("FILE: /scopes/s10/resources/f1/props/x: unknown reference \"nope/a\" (no resource "
                         "is declared at that path)"));
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
