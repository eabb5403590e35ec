// SPDX-License-Identifier: MIT
// The bridge to NATS across machines (issue 13): TLS with a CA, mutual TLS, a wrong CA,
// user and password, a token, an NKey user, a wrong password, a TLS and authenticated
// three-node cluster, and least-privilege permissions, all on real nats-server
// processes (tests/natscluster.h) with certificates made here by openssl; and the
// command line's errors for the new options.
#include "cluster/clusterbridge.h"
#include "core/spreadserver.h"

#include "natscluster.h"
#include "testcerts.h"
#include "testprocess.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace EndToEnd;

namespace {
constexpr int PRESENCE_MS = 200;
constexpr int WAIT_MS = 15000;

/** A SpreadServer on 127.0.0.1 with its bridge; settings() is filled in by each test. */
struct Site
{
    SpreadServer server;
    std::unique_ptr<ClusterBridge> bridge;
    std::vector<std::unique_ptr<RawPeer>> clients;
    ClusterBridge::Settings settings;
    QStringList states;     // every stateChanged detail, prefixed by the state
    QStringList warnings;

    Site(const QStringList &urls, const QString &id)
    {
        SpreadServer::Settings serverSettings;
        serverSettings.flushDelayMs = 20;
        serverSettings.welcome = u"welcome %1"_s;
        server.setSettings(serverSettings);
        server.listen(QHostAddress::LocalHost, 0);
        bridge = std::make_unique<ClusterBridge>(&server);
        QObject::connect(bridge.get(), &ClusterBridge::stateChanged, bridge.get(),
                         [this](ClusterBridge::State state, const QString &detail) {
                             states.append(QString::fromLatin1(QMetaEnum::fromType<ClusterBridge::State>().valueToKey(int(state)))
                                           + u": "_s + detail);
                         });
        QObject::connect(bridge.get(), &ClusterBridge::warning, bridge.get(), [this](const QString &text) { warnings.append(text); });
        settings.urls = urls;
        settings.domain = u"plant"_s;
        settings.serverId = id;
        settings.presenceIntervalMs = PRESENCE_MS;
    }
    ~Site() { bridge.reset(); }   // its last stateChanged goes to states, still alive
    bool start() { return bridge->start(settings); }
    bool connected() const { return bridge->state() == ClusterBridge::State::Connected; }
    RawPeer *connect()
    {
        clients.push_back(std::make_unique<RawPeer>(server.serverPort()));
        RawPeer *peer = clients.back().get();
        if (!QTest::qWaitFor([peer] { return peer->lines().size() >= 1; }, WAIT_MS))
            qWarning("no welcome line");
        return peer;
    }
    bool hasPeer(const QString &id) const
    {
        const auto peers = bridge->peers();
        return std::any_of(peers.cbegin(), peers.cend(), [&](const ClusterBridge::Peer &p) { return p.serverId == id && !p.self; });
    }
    QString describe() const { return u"states: %1\nwarnings: %2"_s.arg(states.join(u" | "_s), warnings.join(u" | "_s)); }
};

/** CRC-16/XMODEM, as nkeys checks its keys with. */
quint16 crc16(const QByteArray &data)
{
    quint16 crc = 0;
    for (const char c : data) {
        crc ^= quint16(quint8(c)) << 8;
        for (int i = 0; i < 8; ++i)
            crc = (crc & 0x8000) ? quint16((crc << 1) ^ 0x1021) : quint16(crc << 1);
    }
    return crc;
}

QByteArray base32(const QByteArray &data)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    QByteArray out;
    quint32 buffer = 0;
    int bits = 0;
    for (const char c : data) {
        buffer = (buffer << 8) | quint8(c);
        bits += 8;
        while (bits >= 5) {
            out.append(alphabet[(buffer >> (bits - 5)) & 31]);
            bits -= 5;
        }
    }
    if (bits > 0)
        out.append(alphabet[(buffer << (5 - bits)) & 31]);
    return out;
}

QByteArray withCrc(QByteArray raw)
{
    const quint16 crc = crc16(raw);
    raw.append(char(crc & 0xff));
    raw.append(char(crc >> 8));
    return base32(raw);
}
} // namespace

class tst_ClusterSecurity : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();

    void tlsWithCa();
    void mutualTls();
    void wrongCaIsRefusedWithItsReason();
    void plainNodeIsRefusedWhenTlsIsWanted();
    void userAndPasswordFromFile();
    void token();
    void nkeyUser();
    void wrongPasswordIsAStateAndBacksOff();
    void tlsAuthenticatedThreeNodeCluster();
    void permissionsRefuseForgingAnotherServer();
    void headlessPermissionViolationIsLogged();
    void badOptions_data();
    void badOptions();

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString writeFile(const QString &name, const QByteArray &content);
    QString tlsBlock(bool verify) const;
    bool makeNkey(QByteArray *seed, QByteArray *publicKey);

    QTemporaryDir m_dir;
    TestCertificates m_certs { m_dir.path() };
    TestRig m_rig;
};

QString tst_ClusterSecurity::writeFile(const QString &name, const QByteArray &content)
{
    QFile file(path(name));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qWarning("cannot write %s", qPrintable(name));
    file.write(content);
    return file.fileName();
}

QString tst_ClusterSecurity::tlsBlock(bool verify) const
{
    QString block = u"tls {\n  cert_file: \"%1\"\n  key_file: \"%2\"\n  timeout: 5\n"_s.arg(path(u"node.pem"_s), path(u"node.key"_s));
    if (verify)
        block += u"  ca_file: \"%1\"\n  verify: true\n"_s.arg(path(u"ca.pem"_s));
    return block + u"}\n"_s;
}

/** An NKey user: an ed25519 key from openssl, encoded as nkeys does (prefix, key, CRC-16, base32). */
bool tst_ClusterSecurity::makeNkey(QByteArray *seed, QByteArray *publicKey)
{
    if (!m_certs.openssl({ u"genpkey"_s, u"-algorithm"_s, u"ed25519"_s, u"-outform"_s, u"DER"_s, u"-out"_s, u"nkey.der"_s })
        || !m_certs.openssl({ u"pkey"_s, u"-inform"_s, u"DER"_s, u"-in"_s, u"nkey.der"_s, u"-pubout"_s, u"-outform"_s, u"DER"_s,
                      u"-out"_s, u"nkey.pub.der"_s }))
        return false;
    QFile priv(path(u"nkey.der"_s)), pub(path(u"nkey.pub.der"_s));
    if (!priv.open(QIODevice::ReadOnly) || !pub.open(QIODevice::ReadOnly))
        return false;
    const QByteArray rawSeed = priv.readAll().right(32);   // PKCS#8: the 32-byte seed ends it
    const QByteArray rawPublic = pub.readAll().right(32);  // SubjectPublicKeyInfo: the key ends it
    constexpr quint8 prefixSeed = 18 << 3;                 // 'S'
    constexpr quint8 prefixUser = 20 << 3;                 // 'U'
    QByteArray s;
    s.append(char(prefixSeed | (prefixUser >> 5)));
    s.append(char((prefixUser & 31) << 3));
    *seed = withCrc(s + rawSeed);
    *publicKey = withCrc(QByteArray(1, char(prefixUser)) + rawPublic);
    return seed->startsWith("SU") && publicKey->startsWith('U');
}

void tst_ClusterSecurity::initTestCase()
{
    if (!ClusterBridge::isAvailable())
        QSKIP("this build has no NATS bridge (configure with -DSPREAD_NATS=ON and libnats-dev)");
    if (NatsTest::natsServerBin().isEmpty())
        QSKIP("nats-server is not installed (Debian: apt-get install nats-server)");
    if (QStandardPaths::findExecutable(u"openssl"_s).isEmpty())
        QSKIP("openssl is not installed (Debian package openssl): cannot make test certificates");
    QVERIFY(m_dir.isValid());
    for (const QString &ca : { u"ca"_s, u"otherca"_s })
        QVERIFY(m_certs.makeCa(ca, u"Spread test "_s + ca));
    QVERIFY(m_certs.makeSigned(u"node"_s, u"ca"_s, u"node"_s, u"subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth"_s));
    QVERIFY(m_certs.makeSigned(u"client"_s, u"ca"_s, u"client"_s, u"extendedKeyUsage=clientAuth"_s));
}

void tst_ClusterSecurity::cleanup()
{
    m_rig.cleanup();
}

void tst_ClusterSecurity::tlsWithCa()
{
    NatsTest::Node nats;
    QVERIFY2(nats.startWithConfig(tlsBlock(false)), nats.log().constData());
    Site one({ nats.url() }, u"one"_s), two({ nats.url() }, u"two"_s);
    one.settings.tlsCaFile = two.settings.tlsCaFile = path(u"ca.pem"_s);
    QVERIFY2(one.start(), qPrintable(one.bridge->errorString()));
    QVERIFY(two.start());
    QTRY_VERIFY2_WITH_TIMEOUT(one.connected() && two.hasPeer(u"one"_s), qPrintable(one.describe()), WAIT_MS);
    RawPeer *sender = one.connect();
    RawPeer *far = two.connect();
    sender->send("over tls\n");
    QTRY_VERIFY_WITH_TIMEOUT(far->hasLine("over tls"), WAIT_MS);
}

void tst_ClusterSecurity::mutualTls()
{
    NatsTest::Node nats;
    QVERIFY2(nats.startWithConfig(tlsBlock(true)), nats.log().constData());
    Site without({ nats.url() }, u"without"_s), with({ nats.url() }, u"with"_s);
    without.settings.tlsCaFile = with.settings.tlsCaFile = path(u"ca.pem"_s);
    with.settings.tlsCertFile = path(u"client.pem"_s);
    with.settings.tlsKeyFile = path(u"client.key"_s);
    QVERIFY(without.start());
    QVERIFY(with.start());
    QTRY_VERIFY2_WITH_TIMEOUT(with.connected(), qPrintable(with.describe()), WAIT_MS);
    // Without a certificate the node closes the handshake: a state with a reason, never connected.
    QTRY_VERIFY2_WITH_TIMEOUT(without.states.filter(u"refused"_s).size() >= 1, qPrintable(without.describe()), WAIT_MS);
    QVERIFY(!without.connected());
    QVERIFY(!without.states.filter(u"Connected:"_s).size());
}

void tst_ClusterSecurity::wrongCaIsRefusedWithItsReason()
{
    NatsTest::Node nats;
    QVERIFY2(nats.startWithConfig(tlsBlock(false)), nats.log().constData());
    Site site({ nats.url() }, u"site"_s);
    site.settings.tlsCaFile = path(u"otherca.pem"_s);
    QVERIFY(site.start());
    QTRY_VERIFY2_WITH_TIMEOUT(site.states.filter(u"refused"_s).size() >= 1, qPrintable(site.describe()), WAIT_MS);
    const QString refusal = site.states.filter(u"refused"_s).first();
    QVERIFY2(refusal.contains(u"certificate"_s, Qt::CaseInsensitive) || refusal.contains(u"SSL"_s),
             qPrintable(refusal));
    QVERIFY(!site.connected());
    QVERIFY2(!site.bridge->errorString().isEmpty(), qPrintable(site.describe()));
}

void tst_ClusterSecurity::plainNodeIsRefusedWhenTlsIsWanted()
{
    NatsTest::Node nats;
    QVERIFY(nats.start());
    Site site({ nats.url() }, u"site"_s);
    site.settings.tlsCaFile = path(u"ca.pem"_s);
    QVERIFY(site.start());
    // No plain-text fallback: the node offers no TLS, so the bridge does not connect.
    QTRY_VERIFY2_WITH_TIMEOUT(site.states.filter(u"refused"_s).size() >= 1, qPrintable(site.describe()), WAIT_MS);
    QVERIFY(!site.connected());
}

void tst_ClusterSecurity::userAndPasswordFromFile()
{
    NatsTest::Node nats;
    QVERIFY(nats.startWithConfig(u"authorization { users = [ { user: spread, password: \"pa ss\" } ] }\n"_s));
    Site site({ nats.url() }, u"site"_s);
    site.settings.user = u"spread"_s;
    site.settings.passwordFile = writeFile(u"password"_s, "pa ss\n");
    QVERIFY2(site.start(), qPrintable(site.bridge->errorString()));
    QTRY_VERIFY2_WITH_TIMEOUT(site.connected(), qPrintable(site.describe()), WAIT_MS);
    // The password is nowhere in what the bridge says.
    QVERIFY(!site.describe().contains(u"pa ss"_s));
}

void tst_ClusterSecurity::token()
{
    NatsTest::Node nats;
    QVERIFY(nats.startWithConfig(u"authorization { token: \"t0ken-for-spread\" }\n"_s));
    Site site({ nats.url() }, u"site"_s), wrong({ nats.url() }, u"wrong"_s);
    site.settings.tokenFile = writeFile(u"token"_s, "t0ken-for-spread\n");
    wrong.settings.tokenFile = writeFile(u"wrongtoken"_s, "nope\n");
    QVERIFY(site.start());
    QVERIFY(wrong.start());
    QTRY_VERIFY2_WITH_TIMEOUT(site.connected(), qPrintable(site.describe()), WAIT_MS);
    QTRY_VERIFY2_WITH_TIMEOUT(wrong.states.filter(u"uthorization"_s, Qt::CaseInsensitive).size() >= 1,
                              qPrintable(wrong.describe()), WAIT_MS);
}

void tst_ClusterSecurity::nkeyUser()
{
    QByteArray seed, publicKey;
    QVERIFY(makeNkey(&seed, &publicKey));
    NatsTest::Node nats;
    QVERIFY2(nats.startWithConfig(u"authorization { users = [ { nkey: %1 } ] }\n"_s.arg(QString::fromLatin1(publicKey))),
             nats.log().constData());
    Site site({ nats.url() }, u"site"_s);
    site.settings.nkeySeedFile = writeFile(u"user.nk"_s, seed + '\n' + publicKey + '\n');
    QVERIFY(site.start());
    QTRY_VERIFY2_WITH_TIMEOUT(site.connected(), qPrintable(site.describe() + QString::fromUtf8(nats.log())), WAIT_MS);
}

void tst_ClusterSecurity::wrongPasswordIsAStateAndBacksOff()
{
    NatsTest::Node nats;
    QVERIFY(nats.startWithConfig(u"authorization { users = [ { user: spread, password: right } ] }\n"_s));
    Site good({ nats.url() }, u"good"_s), bad({ nats.url() }, u"bad"_s);
    good.settings.user = bad.settings.user = u"spread"_s;
    good.settings.password = "right";
    bad.settings.passwordFile = writeFile(u"badpassword"_s, "wrong\n");
    QVERIFY(good.start());
    QVERIFY(bad.start());
    QTRY_VERIFY_WITH_TIMEOUT(good.connected(), WAIT_MS);
    QTRY_VERIFY2_WITH_TIMEOUT(bad.states.filter(u"uthorization"_s, Qt::CaseInsensitive).size() >= 1,
                              qPrintable(bad.describe()), WAIT_MS);
    QCOMPARE_NE(bad.bridge->state(), ClusterBridge::State::Connected);
    QVERIFY2(bad.bridge->errorString().contains(u"uthorization"_s), qPrintable(bad.bridge->errorString()));

    RawPeer *sender = good.connect();
    RawPeer *deaf = bad.connect();
    QElapsedTimer elapsed;
    elapsed.start();
    // For 4 s: nothing flows to the refused server, and it is tried again with backoff
    // (250 ms doubling: 0.25 + 0.5 + 1 + 2 = about 4 tries), not every 250 ms (16).
    const qsizetype before = bad.states.size();
    while (elapsed.elapsed() < 4000) {
        sender->send("not for the refused\n");
        QTest::qWait(250);
    }
    QVERIFY(deaf->lines().size() == 1);   // its welcome only
    QVERIFY(!bad.hasPeer(u"good"_s));
    // Each try says "no node reachable yet", then "refused: ...": count the refusals.
    const qsizetype tries = bad.states.mid(before).filter(u"refused:"_s).size();
    QVERIFY2(tries >= 2 && tries <= 6, qPrintable(bad.describe()));
    QVERIFY2(bad.states.last().contains(u"next try in"_s), qPrintable(bad.describe()));
}

void tst_ClusterSecurity::tlsAuthenticatedThreeNodeCluster()
{
    const QString auth = u"authorization { users = [ { user: spread, password: clusterpw } ] }\n"_s;
    std::vector<std::unique_ptr<NatsTest::Node>> nodes;
    QStringList routes;
    for (int i = 0; i < 3; ++i) {
        nodes.push_back(std::make_unique<NatsTest::Node>());
        QString config = tlsBlock(false) + auth + u"cluster {\n  name: spread-secure\n  listen: \"127.0.0.1:-1\"\n"_s;
        if (!routes.isEmpty())
            config += u"  routes: [ %1 ]\n"_s.arg(routes.join(u", "_s));
        config += u"}\n"_s;
        QVERIFY2(nodes.back()->startWithConfig(config), nodes.back()->log().constData());
        routes.append(nodes.back()->clusterUrl());
    }
    QTRY_VERIFY_WITH_TIMEOUT(nodes[0]->routeCount() == 2 && nodes[1]->routeCount() == 2 && nodes[2]->routeCount() == 2,
                             WAIT_MS);
    Site a({ nodes[0]->url(), nodes[1]->url() }, u"a"_s), b({ nodes[2]->url(), nodes[1]->url() }, u"b"_s);
    for (Site *site : { &a, &b }) {
        site->settings.tlsCaFile = path(u"ca.pem"_s);
        site->settings.user = u"spread"_s;
        site->settings.passwordFile = writeFile(u"clusterpw"_s, "clusterpw\n");
        QVERIFY(site->start());
    }
    QTRY_VERIFY2_WITH_TIMEOUT(a.hasPeer(u"b"_s) && b.hasPeer(u"a"_s), qPrintable(a.describe() + b.describe()), WAIT_MS);
    RawPeer *one = a.connect();
    RawPeer *two = b.connect();
    one->send("from a\n");
    two->send("from b\n");
    QTRY_VERIFY_WITH_TIMEOUT(two->hasLine("from a") && one->hasLine("from b"), WAIT_MS);
}

namespace {
/** The least-privilege configuration of the README: each server publishes only as itself. */
QString leastPrivilegeConfig()
{
    QString users;
    for (const QString &id : { u"a"_s, u"b"_s }) {
        users += u"    { user: %1, password: pw-%1, permissions: {\n"
                 "        publish: [ \"spread.v1.plant.msg.%1\", \"spread.v1.plant.presence.%1\" ]\n"
                 "        subscribe: \"spread.v1.plant.>\" } }\n"_s.arg(id);
    }
    return u"authorization {\n  users = [\n"_s + users + u"  ]\n}\n"_s;
}
} // namespace

void tst_ClusterSecurity::permissionsRefuseForgingAnotherServer()
{
    NatsTest::Node nats;
    QVERIFY2(nats.startWithConfig(leastPrivilegeConfig()), nats.log().constData());
    Site b({ nats.url() }, u"b"_s), forger({ nats.url() }, u"b"_s), a({ nats.url() }, u"a"_s);
    b.settings.user = u"b"_s;
    b.settings.password = "pw-b";
    a.settings.user = u"a"_s;
    a.settings.password = "pw-a";
    // The device network of "a" compromised: its credentials, claiming to be "b".
    forger.settings.user = u"a"_s;
    forger.settings.password = "pw-a";
    forger.settings.domain = u"plant"_s;
    QVERIFY(a.start());
    QVERIFY(b.start());
    QTRY_VERIFY_WITH_TIMEOUT(a.hasPeer(u"b"_s) && b.hasPeer(u"a"_s), WAIT_MS);
    RawPeer *listener = a.connect();
    QVERIFY(forger.start());
    QTRY_VERIFY_WITH_TIMEOUT(forger.connected(), WAIT_MS);
    RawPeer *attacker = forger.connect();
    attacker->send("forged as b\n");
    QTRY_VERIFY2_WITH_TIMEOUT(forger.warnings.filter(u"Permissions Violation"_s, Qt::CaseInsensitive).size() >= 1,
                              qPrintable(forger.describe()), WAIT_MS);
    QVERIFY2(forger.warnings.filter(u"permissions violation"_s).size() >= 1, qPrintable(forger.describe()));
    QVERIFY2(forger.warnings.filter(u"spread.v1.plant."_s).size() >= 1, qPrintable(forger.describe()));
    // The real "b" still speaks; the forged line never arrives.
    RawPeer *real = b.connect();
    real->send("really b\n");
    QTRY_VERIFY_WITH_TIMEOUT(listener->hasLine("really b"), WAIT_MS);
    QVERIFY(!listener->hasLine("forged as b"));
}

void tst_ClusterSecurity::headlessPermissionViolationIsLogged()
{
    NatsTest::Node nats;
    QVERIFY(nats.startWithConfig(leastPrivilegeConfig()));
    const QString passwordFile = writeFile(u"pw-a"_s, "pw-a\n");
    TestProcess &server = *m_rig.start(serverBin(), { u"--headless"_s, u"--port"_s, u"0"_s, u"--nats"_s, nats.url(),
                                                     u"--domain"_s, u"plant"_s, u"--server-id"_s, u"b"_s,
                                                     u"--nats-user"_s, u"a"_s, u"--nats-password-file"_s, passwordFile });
    // Its join presence on spread.v1.plant.presence.b is refused by NATS: a warning line.
    const QRegularExpression warning(u"cluster: warning: .*Permissions Violation.*presence\\.b"_s,
                                     QRegularExpression::CaseInsensitiveOption);
    QTRY_VERIFY2_WITH_TIMEOUT(server.hasMatch(warning), server.out().constData(), WAIT_MS);
    QVERIFY(!server.out().contains("pw-a"));
}

void tst_ClusterSecurity::badOptions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("error");
    const QString missing = path(u"missing.pem"_s);
    const QString empty = writeFile(u"empty"_s, "\n");
    const QString pem = path(u"ca.pem"_s);
    const QStringList nats { u"--nats"_s, u"nats://127.0.0.1:1"_s };
    QTest::newRow("ca without nats") << QStringList { u"--nats-tls-ca"_s, pem } << u"--nats-tls-ca needs --nats"_s;
    QTest::newRow("missing ca") << (nats + QStringList { u"--nats-tls-ca"_s, missing }) << u"bad value for --nats-tls-ca: cannot read"_s;
    QTest::newRow("cert without key") << (nats + QStringList { u"--nats-tls-cert"_s, pem }) << u"go together"_s;
    QTest::newRow("user without password") << (nats + QStringList { u"--nats-user"_s, u"u"_s }) << u"SPREAD_NATS_PASSWORD"_s;
    QTest::newRow("empty password file") << (nats + QStringList { u"--nats-user"_s, u"u"_s, u"--nats-password-file"_s, empty })
                                         << u"nothing on its first line"_s;
    QTest::newRow("password file without user") << (nats + QStringList { u"--nats-password-file"_s, pem })
                                                << u"--nats-password-file needs --nats-user"_s;
    QTest::newRow("missing token") << (nats + QStringList { u"--nats-token-file"_s, missing }) << u"--nats-token-file"_s;
    QTest::newRow("missing creds") << (nats + QStringList { u"--nats-creds"_s, missing }) << u"--nats-creds"_s;
    QTest::newRow("creds and seed") << (nats + QStringList { u"--nats-creds"_s, pem, u"--nats-nkey-seed"_s, pem })
                                    << u"exclude each other"_s;
}

void tst_ClusterSecurity::badOptions()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, error);
    TestProcess &server = *m_rig.start(serverBin(), QStringList { u"--headless"_s, u"--port"_s, u"0"_s } + arguments, {},
                                      { { u"SPREAD_NATS_PASSWORD"_s, QString() } });
    QTRY_VERIFY_WITH_TIMEOUT(server.hasFinished(), WAIT_MS);
    QCOMPARE(server.exitCode(), 2);
    QVERIFY2(server.err().contains(error.toUtf8()), server.err().constData());
}

QTEST_GUILESS_MAIN(tst_ClusterSecurity)
#include "tst_clustersecurity.moc"
