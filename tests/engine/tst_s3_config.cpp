// What the S3 backend decides before any request: the source's form (s3://BUCKET[/PREFIX]), Alchemy's key
// scheme and where a listed key belongs (hazard §14.4: a stage's listing holds nested scopes' objects), the
// credentials / region / endpoint chain, and the XML of S3's answers.
#include "EngineTestFiles.h"
#include "store/s3/S3Config.h"
#include "store/s3/S3Keys.h"
#include "store/s3/S3Xml.h"

#include <QTemporaryDir>
#include <QtTest>
#include <map>

using namespace athanor;
using namespace athanor::s3;

namespace {

Environment fakeEnvironment(std::map<std::string, std::string> values) {
    return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
        auto it = values.find(name);
        return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}

QString chainOf(const PlacedKey& placed) {
    QStringList parts;
    for (const auto& part : placed.chain)
        parts << QString::fromStdString(part);
    return parts.join('/') + " | " + QString::fromStdString(placed.id);
}

} // namespace

class TestS3Config : public QObject {
    Q_OBJECT

private slots:
    void parsesSources() {
        S3Location l = S3Location::parse("s3://alchemy-state");
        QCOMPARE(l.bucket, std::string("alchemy-state"));
        QCOMPARE(l.prefix, std::string("alchemy/"));
        QCOMPARE(l.region, std::string());
        QCOMPARE(l.toString(), std::string("s3://alchemy-state"));

        // An empty prefix is Alchemy's default too (its `prefix` option is falsy).
        QCOMPARE(S3Location::parse("s3://b/").prefix, std::string("alchemy/"));
        QCOMPARE(S3Location::parse("s3://b/alchemy/").toString(), std::string("s3://b"));

        l = S3Location::parse("s3://team-state/prod/?region=eu-west-1");
        QCOMPARE(l.bucket, std::string("team-state"));
        QCOMPARE(l.prefix, std::string("prod/"));
        QCOMPARE(l.region, std::string("eu-west-1"));
        QCOMPARE(l.toString(), std::string("s3://team-state/prod/?region=eu-west-1"));
        QCOMPARE(S3Location::parse(l.toString()), l);

        // Verbatim, as Alchemy uses its prefix option: no '/' is added.
        QCOMPARE(S3Location::parse("s3://b/team").prefix, std::string("team"));

        for (const char* bad : {"s3://", "s3:///prefix", "s3://a b/x", "s3://b?color=red", "http://b"}) {
            try {
                S3Location::parse(bad);
                QFAIL(bad);
            } catch (const std::invalid_argument& e) {
                QVERIFY2(std::string(e.what()).find(bad) != std::string::npos, e.what());
            }
        }
    }

    void keysFollowAlchemysScheme() {
        QCOMPARE(scopePrefix("alchemy/", {"shop", "dev"}), std::string("alchemy/shop/dev/"));
        QCOMPARE(objectKey("alchemy/", {"shop", "dev"}, "logs/app.log"),
                 std::string("alchemy/shop/dev/logs:app.log"));
        QCOMPARE(objectKey("alchemy/", {"shop"}, "dev"), std::string("alchemy/shop/dev"));
        QCOMPARE(objectKey("team", {"shop", "dev"}, "a"), std::string("teamshop/dev/a"));
    }

    void everyListedKeyIsPlacedUnderItsOwnScope() {
        // The listing of stage shop/dev, as S3 gives it (recursive): its records, a nested scope's records,
        // and a deeper one. None of the nested objects is a record of shop/dev.
        const std::string prefix = "alchemy/";
        QCOMPARE(chainOf(*placeKey(prefix, "alchemy/shop/dev/assets")), QString("shop/dev | assets"));
        QCOMPARE(chainOf(*placeKey(prefix, "alchemy/shop/dev/assets/img")), QString("shop/dev/assets | img"));
        QCOMPARE(chainOf(*placeKey(prefix, "alchemy/shop/dev/assets/img/logo:png")),
                 QString("shop/dev/assets/img | logo/png"));
        QCOMPARE(chainOf(*placeKey(prefix, "alchemy/shop/dev")), QString("shop | dev"));
        QCOMPARE(chainOf(*placeKey("team", "teamshop/dev/x")), QString("shop/dev | x"));
        QVERIFY(!placeKey(prefix, "other/shop/dev/x"));
        QVERIFY(!placeKey(prefix, "alchemy/shop"));      // no chain: not a record of any scope
        QVERIFY(!placeKey(prefix, "alchemy/shop//x"));   // an empty scope name
        QVERIFY(!placeKey(prefix, "alchemy/shop/dev/")); // a "folder" marker object
    }

    void credentialsComeFromTheEnvironmentFirst() {
        std::string problem;
        auto c = findCredentials(fakeEnvironment({{"AWS_ACCESS_KEY_ID", "AKID"},
                                                  {"AWS_SECRET_ACCESS_KEY", "s3cr3t-value"},
                                                  {"AWS_SESSION_TOKEN", "TOKEN"},
                                                  {"HOME", "/nonexistent"}}),
                                 &problem);
        QVERIFY(c);
        QCOMPARE(c->accessKeyId, std::string("AKID"));
        QCOMPARE(std::string(c->secretAccessKey.view()), std::string("s3cr3t-value"));
        QCOMPARE(std::string(c->sessionToken.view()), std::string("TOKEN"));
        QVERIFY(c->origin.find("AWS_ACCESS_KEY_ID") != std::string::npos);
        QVERIFY(c->origin.find("s3cr3t") == std::string::npos);

        c = findCredentials(fakeEnvironment({{"AWS_ACCESS_KEY_ID", "AKID"}, {"HOME", "/nonexistent"}}),
                            &problem);
        QVERIFY(!c);
        QCOMPARE(problem, std::string("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"));
    }

    void credentialsFromTheProfileFile() {
        QTemporaryDir home;
        const std::filesystem::path dir = home.path().toStdString();
        test_files::writeFile(
            dir / ".aws" / "credentials",
            "# team keys\n[default]\naws_access_key_id = AKDEFAULT\naws_secret_access_key = SDEFAULT\n\n"
            "[ci]\naws_access_key_id=AKCI\naws_secret_access_key=SCI\naws_session_token = TCI\n"
            "[broken]\naws_access_key_id = ONLYID\n");
        test_files::writeFile(dir / ".aws" / "config",
                              "[default]\nregion = eu-central-1\n[profile ci]\nregion=ap-south-1\n");

        auto c = findCredentials(fakeEnvironment({{"HOME", dir.string()}}));
        QVERIFY(c);
        QCOMPARE(c->accessKeyId, std::string("AKDEFAULT"));
        QCOMPARE(std::string(c->secretAccessKey.view()), std::string("SDEFAULT"));
        QVERIFY(c->sessionToken.empty());
        QCOMPARE(c->origin, "profile default in " + (dir / ".aws" / "credentials").string());

        c = findCredentials(fakeEnvironment({{"HOME", dir.string()}, {"AWS_PROFILE", "ci"}}));
        QVERIFY(c);
        QCOMPARE(c->accessKeyId, std::string("AKCI"));
        QCOMPARE(std::string(c->sessionToken.view()), std::string("TCI"));

        std::string problem;
        QVERIFY(
            !findCredentials(fakeEnvironment({{"HOME", dir.string()}, {"AWS_PROFILE", "broken"}}), &problem));
        QVERIFY2(problem.find("profile broken") != std::string::npos, problem.c_str());
        QVERIFY(
            !findCredentials(fakeEnvironment({{"HOME", dir.string()}, {"AWS_PROFILE", "nope"}}), &problem));
        QVERIFY2(problem.find("profile nope is not in") != std::string::npos, problem.c_str());

        // The region chain: the source, then the environment, then the profile's config.
        const S3Location plain = S3Location::parse("s3://b");
        QCOMPARE(resolveRegion(plain, fakeEnvironment({{"HOME", dir.string()}})),
                 std::string("eu-central-1"));
        QCOMPARE(resolveRegion(plain, fakeEnvironment({{"HOME", dir.string()}, {"AWS_PROFILE", "ci"}})),
                 std::string("ap-south-1"));
        QCOMPARE(resolveRegion(
                     plain, fakeEnvironment({{"HOME", dir.string()}, {"AWS_DEFAULT_REGION", "us-west-1"}})),
                 std::string("us-west-1"));
        QCOMPARE(
            resolveRegion(plain, fakeEnvironment({{"AWS_REGION", "us-west-2"}, {"AWS_DEFAULT_REGION", "x"}})),
            std::string("us-west-2"));
        QCOMPARE(resolveRegion(S3Location::parse("s3://b?region=sa-east-1"),
                               fakeEnvironment({{"AWS_REGION", "us-west-2"}})),
                 std::string("sa-east-1"));
        QCOMPARE(resolveRegion(plain, fakeEnvironment({})), std::string("us-east-1"));
    }

    void endpointsAndAddressing() {
        const S3Location location = S3Location::parse("s3://alchemy-state");
        Endpoint e = resolveEndpoint(location, fakeEnvironment({{"AWS_REGION", "eu-west-1"}}));
        QCOMPARE(e.baseUrl, std::string("https://s3.eu-west-1.amazonaws.com"));
        QVERIFY(!e.pathStyle);
        QCOMPARE(e.region, std::string("eu-west-1"));

        e = resolveEndpoint(location, fakeEnvironment({{"AWS_ENDPOINT_URL", "http://10.0.0.5:9000/"},
                                                       {"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:4568/"}}));
        QCOMPARE(e.baseUrl, std::string("http://127.0.0.1:4568"));
        QVERIFY(e.pathStyle);
        QCOMPARE(e.origin, std::string("AWS_ENDPOINT_URL_S3"));

        e = resolveEndpoint(location,
                            fakeEnvironment({{"AWS_ENDPOINT_URL", "https://acct.r2.cloudflarestorage.com"}}));
        QCOMPARE(e.baseUrl, std::string("https://acct.r2.cloudflarestorage.com"));
        QVERIFY(e.pathStyle);

        QVERIFY(resolveEndpoint(S3Location::parse("s3://my.dotted.bucket"), fakeEnvironment({})).pathStyle);
        try {
            resolveEndpoint(location, fakeEnvironment({{"AWS_ENDPOINT_URL_S3", "localhost:9000"}}));
            QFAIL("a URL without scheme was taken");
        } catch (const std::invalid_argument& e2) {
            QVERIFY(std::string(e2.what()).find("AWS_ENDPOINT_URL_S3=localhost:9000") != std::string::npos);
        }
    }

    void readsS3Xml() {
        const XmlElement list =
            parseXml("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>"
                     "<IsTruncated>true</IsTruncated><NextContinuationToken>1a+b/c==</NextContinuationToken>"
                     "<Contents><Key>alchemy/shop/dev/a&amp;b&lt;&#x3E;&#233;</Key><Size>12</Size>"
                     "<ETag>&quot;abc&quot;</ETag></Contents><Contents><Key><![CDATA[x<y]]></Key></Contents>"
                     "<!-- a comment --><Empty/></ListBucketResult>");
        QCOMPARE(list.name, std::string("ListBucketResult"));
        QCOMPARE(list.childText("NextContinuationToken").value(), std::string("1a+b/c=="));
        QCOMPARE(list.children[3].childText("Key").value(), std::string("alchemy/shop/dev/a&b<>\xC3\xA9"));
        QCOMPARE(list.children[3].childText("ETag").value(), std::string("\"abc\""));
        QCOMPARE(list.children[4].childText("Key").value(), std::string("x<y"));
        QVERIFY(list.child("Empty"));
        QVERIFY(!list.childText("Missing"));

        for (const char* bad :
             {"", "<a>", "<a></b>", "<a>&bogus;</a>", "<a x=1></a>", "text", "<a></a><b></b>"}) {
            try {
                parseXml(bad);
                QFAIL(bad);
            } catch (const XmlError& e) {
                QVERIFY2(std::string(e.what()).starts_with("not valid XML at byte"), e.what());
            }
        }
        std::string deep;
        for (int i = 0; i < 100000; ++i)
            deep += "<a>";
        try {
            parseXml(deep);
            QFAIL("a hostile nesting was taken");
        } catch (const XmlError& e) {
            QVERIFY2(std::string(e.what()).find("nested more than") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestS3Config)
#include "tst_s3_config.moc"
