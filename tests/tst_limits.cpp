// SPDX-License-Identifier: MIT
// Each limit declared once (core/settinglimits.h): the command line, the defaults of
// lib's structs and the windows' spin boxes all take it from there. And the
// reasons lib sends (core/reasons.h), shown translated by ReasonText.
#include <QDoubleSpinBox>
#include <QSpinBox>
#include <QTest>
#include <QTranslator>

#include "console/options.h"
#include "core/settinglimits.h"
#include "core/reasons.h"
#include "core/sessionengine.h"
#include "core/spreadserver.h"
#include "widgets/limitfield.h"
#include "widgets/reasontext.h"

using namespace Qt::Literals::StringLiterals;

Q_DECLARE_METATYPE(const Limits::Limit *)

namespace {
const QString SERVER = u"spread-server"_s;
const QString CLIENT = u"echo-client"_s;
constexpr int RUNS = -1;   // the parser returned no exit code: the program would run

int exitCodeOf(std::optional<int> parsed)
{
    return parsed.value_or(RUNS);
}
} // namespace

class tst_Limits : public QObject
{
    Q_OBJECT

private slots:
    void defaultsComeFromTheLimits();
    void serverAcceptsEachLimitsRange_data();
    void serverAcceptsEachLimitsRange();
    void maxPerIpZeroMeansNoLimit();
    void natsBufferRange();
    void clientIntervalInSeconds();
    void spinBoxTakesTheLimit();
    void doubleSpinBoxTakesTheLimit();
    void reasonsStayEnglishWithoutTranslator();
    void reasonsTranslated_data();
    void reasonsTranslated();
};

void tst_Limits::defaultsComeFromTheLimits()
{
    const SpreadServer::Settings server;
    QCOMPARE(qint64(server.maxClients), Limits::MaxClients.defaultValue);
    QCOMPARE(qint64(server.maxMessageBytes), Limits::MaxMessageBytes.defaultValue);
    QCOMPARE(qint64(server.maxBacklogBytes), Limits::MaxBacklogBytes.defaultValue);
    QCOMPARE(qint64(server.flushDelayMs), Limits::ServerFlushMs.defaultValue);
    QCOMPARE(server.maxPerAddress, 0);
    const SessionEngine::Limits engine;
    QCOMPARE(engine.maxMessageBytes, server.maxMessageBytes);
    QCOMPARE(engine.maxBacklogBytes, server.maxBacklogBytes);
    QCOMPARE(engine.tlsHandshakeTimeoutMs, server.tlsHandshakeTimeoutMs);
    QCOMPARE(engine.maxHandshakes, server.maxHandshakes);
    QCOMPARE(qint64(server.maxHandshakes), Limits::MaxHandshakes.defaultValue);

    ServerOptions serverOptions;
    QCOMPARE(exitCodeOf(parseServerOptions({ SERVER }, &serverOptions)), RUNS);
    QCOMPARE(qint64(serverOptions.port), Limits::ServerPort.defaultValue);
    QCOMPARE(qint64(serverOptions.settings.maxClients), Limits::MaxClients.defaultValue);
    ClientOptions clientOptions;
    QCOMPARE(exitCodeOf(parseClientOptions({ CLIENT }, &clientOptions)), RUNS);
    QCOMPARE(qint64(clientOptions.port), Limits::ClientPort.defaultValue);
    QCOMPARE(qint64(clientOptions.intervalMs), Limits::Interval.defaultValue);
    QCOMPARE(qint64(clientOptions.flushDelayMs), Limits::ClientFlushMs.defaultValue);
    QCOMPARE(clientOptions.count, 0);
}

void tst_Limits::serverAcceptsEachLimitsRange_data()
{
    QTest::addColumn<const Limits::Limit *>("limit");
    QTest::addRow("port") << &Limits::ServerPort;
    QTest::addRow("max-clients") << &Limits::MaxClients;
    QTest::addRow("max-message-bytes") << &Limits::MaxMessageBytes;
    QTest::addRow("max-backlog-bytes") << &Limits::MaxBacklogBytes;
    QTest::addRow("flush-ms") << &Limits::ServerFlushMs;
    QTest::addRow("max-per-ip") << &Limits::MaxPerAddress;
}

void tst_Limits::serverAcceptsEachLimitsRange()
{
    QFETCH(const Limits::Limit *, limit);
    const QString option = u"--"_s + QString::fromLatin1(limit->option);
    for (qint64 value : { limit->minimum, limit->maximum }) {
        ServerOptions options;
        QCOMPARE(exitCodeOf(parseServerOptions({ SERVER, option, QString::number(value) }, &options)), RUNS);
    }
    for (qint64 value : { limit->minimum - 1, limit->maximum + 1 }) {
        ServerOptions options;
        QCOMPARE(exitCodeOf(parseServerOptions({ SERVER, option, QString::number(value) }, &options)), int(ExitUsage));
    }
}

void tst_Limits::maxPerIpZeroMeansNoLimit()
{
    ServerOptions options;
    options.settings.maxPerAddress = 7;
    QCOMPARE(exitCodeOf(parseServerOptions({ SERVER, u"--max-per-ip"_s, u"0"_s }, &options)), RUNS);
    QCOMPARE(options.settings.maxPerAddress, 0);

    // 0 admits any number of connections from one address.
    SpreadServer server;
    server.setSettings(options.settings);
    QVERIFY(server.refusalFor(QHostAddress::LocalHost).isEmpty());

    QCOMPARE(exitCodeOf(parseServerOptions({ SERVER, u"--max-per-ip"_s, u"-1"_s }, &options)), int(ExitUsage));
    QCOMPARE(exitCodeOf(parseServerOptions({ SERVER, u"--max-per-ip"_s, u"many"_s }, &options)), int(ExitUsage));
}

void tst_Limits::natsBufferRange()
{
    if (!ClusterBridge::isAvailable())
        QSKIP("this build has no NATS support");
    const QStringList nats { SERVER, u"--nats"_s, u"127.0.0.1:4222"_s, u"--nats-buffer"_s };
    ServerOptions options;
    QCOMPARE(exitCodeOf(parseServerOptions(nats + QStringList { u"2047M"_s }, &options)), RUNS);
    QCOMPARE(options.cluster.reconnectBufferBytes, 2047 * Limits::MiB);
    QCOMPARE(exitCodeOf(parseServerOptions(nats + QStringList { QString::number(Limits::NatsBufferBytes.maximum) }, &options)), RUNS);
    QCOMPARE(exitCodeOf(parseServerOptions(nats + QStringList { u"2G"_s }, &options)), int(ExitUsage));
    QCOMPARE(exitCodeOf(parseServerOptions(nats + QStringList { u"0"_s }, &options)), int(ExitUsage));
}

void tst_Limits::clientIntervalInSeconds()
{
    ClientOptions options;
    QCOMPARE(exitCodeOf(parseClientOptions({ CLIENT, u"--interval"_s, u"0.001"_s }, &options)), RUNS);
    QCOMPARE(qint64(options.intervalMs), Limits::Interval.minimum);
    QCOMPARE(exitCodeOf(parseClientOptions({ CLIENT, u"--interval"_s, u"86400"_s }, &options)), RUNS);
    QCOMPARE(qint64(options.intervalMs), Limits::Interval.maximum);
    QCOMPARE(exitCodeOf(parseClientOptions({ CLIENT, u"--interval"_s, u"0"_s }, &options)), int(ExitUsage));
    QCOMPARE(exitCodeOf(parseClientOptions({ CLIENT, u"--interval"_s, u"86401"_s }, &options)), int(ExitUsage));
}

void tst_Limits::spinBoxTakesTheLimit()
{
    QSpinBox perAddress;
    LimitField::configure(&perAddress, Limits::MaxPerAddress, u"tip"_s);
    QCOMPARE(perAddress.minimum(), 0);
    QCOMPARE(qint64(perAddress.maximum()), Limits::MaxPerAddress.maximum);
    QCOMPARE(perAddress.value(), 0);
    QCOMPARE(perAddress.text(), u"no limit"_s);
    QCOMPARE(perAddress.toolTip(), u"tip"_s);

    QSpinBox message;
    message.setToolTip(u"kept"_s);
    LimitField::configure(&message, Limits::MaxMessageBytes);
    QCOMPARE(qint64(message.minimum()), Limits::MaxMessageBytes.minimum);
    QCOMPARE(qint64(message.maximum()), Limits::MaxMessageBytes.maximum);
    QCOMPARE(qint64(message.value()), Limits::MaxMessageBytes.defaultValue);
    QCOMPARE(message.suffix(), u" bytes"_s);
    QCOMPARE(message.specialValueText(), QString());
    QCOMPARE(message.toolTip(), u"kept"_s);

    QSpinBox flush;
    LimitField::configure(&flush, Limits::ServerFlushMs);
    QCOMPARE(flush.minimum(), 0);
    QCOMPARE(flush.suffix(), u" ms"_s);
    QCOMPARE(flush.specialValueText(), QString());   // 0 is "at once", not "no limit"
}

void tst_Limits::doubleSpinBoxTakesTheLimit()
{
    QDoubleSpinBox backlog;
    LimitField::configure(&backlog, Limits::MaxBacklogBytes);
    QCOMPARE(backlog.decimals(), 0);
    QCOMPARE(backlog.maximum(), double(Limits::MaxBacklogBytes.maximum));
    QCOMPARE(backlog.value(), double(Limits::MaxBacklogBytes.defaultValue));

    QDoubleSpinBox interval;
    LimitField::configure(&interval, Limits::Interval);
    QCOMPARE(interval.decimals(), 3);
    QCOMPARE(interval.minimum(), 0.001);
    QCOMPARE(interval.maximum(), 86400.0);
    QCOMPARE(interval.value(), 5.0);
    QCOMPARE(interval.suffix(), u" s"_s);
}

void tst_Limits::reasonsStayEnglishWithoutTranslator()
{
    QCOMPARE(ReasonText::translated(Reasons::ServerFull), u"server full"_s);
    QCOMPARE(ReasonText::translated(u"too many connections from ::1"_s), u"too many connections from ::1"_s);
    QCOMPARE(ReasonText::translated(u"connection reset by peer"_s), u"connection reset by peer"_s);
}

void tst_Limits::reasonsTranslated_data()
{
    QTest::addColumn<QString>("english");
    QTest::addColumn<QString>("shown");
    QTest::addRow("plain") << QString(Reasons::ClosedByPeer) << u"对方关闭了连接"_s;
    QTest::addRow("refusal") << QString(Reasons::ServerFull) << u"服务器已满"_s;
    QTest::addRow("address") << u"too many connections from 10.0.0.7"_s << u"来自 10.0.0.7 的连接过多"_s;
    QTest::addRow("operator's words kept") << u"dropped by the server: too slow"_s << u"被服务器断开:too slow"_s;
    QTest::addRow("nested reason") << u"TLS handshake failed: no handshake within 10000 ms"_s
                                   << u"TLS 握手失败:10000 毫秒内未完成握手"_s;
    QTest::addRow("socket error kept") << u"TLS handshake failed: The SSL handshake failed"_s
                                       << u"TLS 握手失败:The SSL handshake failed"_s;
    QTest::addRow("unknown") << u"server full of eels"_s << u"server full of eels"_s;
    QTest::addRow("prefix only") << u"TLS handshake failed"_s << u"TLS handshake failed"_s;
}

void tst_Limits::reasonsTranslated()
{
    QFETCH(QString, english);
    QFETCH(QString, shown);
    QTranslator translator;
    QVERIFY(translator.load(u":/i18n/spreadsite_zh_CN.qm"_s));
    QCoreApplication::installTranslator(&translator);
    const QString translated = ReasonText::translated(english);
    QCoreApplication::removeTranslator(&translator);
    QCOMPARE(translated, shown);
}

QTEST_MAIN(tst_Limits)
#include "tst_limits.moc"
