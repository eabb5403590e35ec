// SPDX-License-Identifier: MIT
#include "core/checksums.h"
#include "core/messagetemplate.h"

#include <QRegularExpression>
#include <QTest>
#include <QTimeZone>

#include <limits>
#include <tuple>

using namespace Qt::Literals::StringLiterals;

/** Every token of core/messagetemplate.h, the checksums' check values, and the refusals. */
class tst_Template : public QObject
{
    Q_OBJECT

private slots:
    void checksumCheckValues();
    void expands_data();
    void expands();
    void timeTokens();
    void randomStaysInItsRange();
    void checksumsCoverEverythingBefore();
    void refuses_data();
    void refuses();
    void constantTemplatesAreConstant();
};

void tst_Template::checksumCheckValues()
{
    // The catalogue's check values over "123456789" (reveng.sourceforge.io).
    const QByteArray check = "123456789"_ba;
    QCOMPARE(Checksums::crc16Modbus(check), quint16(0x4B37));
    QCOMPARE(Checksums::crc16Ccitt(check), quint16(0x29B1));
    QCOMPARE(Checksums::crc32(check), quint32(0xCBF43926u));
    QCOMPARE(Checksums::sum8(check), quint8(0xDD));
    QCOMPARE(Checksums::xor8(check), quint8(0x31));
    QCOMPARE(Checksums::crc32({}), quint32(0));
    // On the wire: Modbus low byte first, the others high byte first.
    QCOMPARE(Checksums::wireBytes(Checksums::Kind::Crc16Modbus, check).toHex(), "374b"_ba);
    QCOMPARE(Checksums::wireBytes(Checksums::Kind::Crc16Ccitt, check).toHex(), "29b1"_ba);
    QCOMPARE(Checksums::wireBytes(Checksums::Kind::Crc32, check).toHex(), "cbf43926"_ba);
}

void tst_Template::expands_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("syntax");
    QTest::addColumn<quint64>("sequence");
    QTest::addColumn<QByteArray>("expected");

    const int plain = int(MessageTemplate::Syntax::Plain);
    const int seed = int(MessageTemplate::Syntax::Seed);
    const int rule = int(MessageTemplate::Syntax::Rule);
    const int hex = int(MessageTemplate::Syntax::Hex);
    QTest::newRow("literal") << u"hello"_s << plain << quint64(1) << "hello"_ba;
    QTest::newRow("utf-8") << u"你好"_s << plain << quint64(1) << "你好"_ba;
    QTest::newRow("empty") << QString() << plain << quint64(1) << QByteArray();
    QTest::newRow("counter") << u"n={counter}"_s << plain << quint64(1) << "n=1"_ba;
    QTest::newRow("counter third") << u"n={counter}"_s << plain << quint64(3) << "n=3"_ba;
    QTest::newRow("counter from 100") << u"{counter:100}"_s << plain << quint64(3) << "102"_ba;
    QTest::newRow("counter at the end wraps") << u"{counter:9223372036854775807}"_s << plain << quint64(2)
                                              << "-9223372036854775808"_ba;
    QTest::newRow("counter from -1") << u"{counter:-1}"_s << plain << quint64(1) << "-1"_ba;
    QTest::newRow("client without one") << u"[{client}]"_s << plain << quint64(1) << "[]"_ba;
    QTest::newRow("hex bytes") << u"A{hex:00 ff}B"_s << plain << quint64(1) << QByteArray("A\x00\xff" "B", 4);
    QTest::newRow("brace escaped") << u"{{counter}"_s << plain << quint64(1) << "{counter}"_ba;
    QTest::newRow("json is literal") << u"{\"a\": 1, \"b\": [2]}"_s << plain << quint64(1) << "{\"a\": 1, \"b\": [2]}"_ba;
    QTest::newRow("brace with space") << u"{ counter}"_s << plain << quint64(1) << "{ counter}"_ba;
    QTest::newRow("lone closing brace") << u"a}b"_s << plain << quint64(1) << "a}b"_ba;
    QTest::newRow("unclosed brace, no name") << u"a{"_s << plain << quint64(1) << "a{"_ba;
    QTest::newRow("percent literal in plain") << u"100%1"_s << plain << quint64(1) << "100%1"_ba;
    QTest::newRow("seed program") << u"hello, I'm %1"_s << seed << quint64(1) << "hello, I'm echo-client"_ba;
    QTest::newRow("seed other percent") << u"50%"_s << seed << quint64(1) << "50%"_ba;
    QTest::newRow("captures") << u"PONG \\1 (\\0)"_s << rule << quint64(1) << "PONG 7 (PING 7)"_ba;
    QTest::newRow("missing capture") << u"[\\5]"_s << rule << quint64(1) << "[]"_ba;
    QTest::newRow("escaped backslash") << u"a\\\\1"_s << rule << quint64(1) << "a\\1"_ba;
    QTest::newRow("backslash literal in plain") << u"a\\1"_s << plain << quint64(1) << "a\\1"_ba;
    QTest::newRow("hex literal") << u"01 03 00 00 00 0a"_s << hex << quint64(1) << QByteArray::fromHex("01030000000a");
    // Modbus RTU "read holding registers 0..9 of unit 1": CRC C5 CD, low byte first.
    QTest::newRow("modbus rtu request") << u"01 03 00 00 00 0a {crc16-modbus}"_s << hex << quint64(1)
                                        << QByteArray::fromHex("01030000000ac5cd");
    QTest::newRow("check string crc16-modbus") << u"123456789{crc16-modbus}"_s << plain << quint64(1) << "123456789\x37\x4b"_ba;
    QTest::newRow("check string crc16-ccitt") << u"123456789{crc16-ccitt}"_s << plain << quint64(1) << "123456789\x29\xb1"_ba;
    QTest::newRow("check string crc32") << u"123456789{crc32}"_s << plain << quint64(1) << "123456789\xcb\xf4\x39\x26"_ba;
    QTest::newRow("check string sum8") << u"123456789{sum8}"_s << plain << quint64(1) << "123456789\xdd"_ba;
    QTest::newRow("check string xor8") << u"123456789{xor8}"_s << plain << quint64(1) << "123456789\x31"_ba;
    QTest::newRow("hex with counter") << u"7e {counter} 7e"_s << hex << quint64(5) << "\x7e" "5" "\x7e"_ba;
}

void tst_Template::expands()
{
    QFETCH(QString, text);
    QFETCH(int, syntax);
    QFETCH(quint64, sequence);
    QFETCH(QByteArray, expected);
    QString error;
    const std::optional<MessageTemplate> t = MessageTemplate::parse(text, MessageTemplate::Syntax(syntax), &error);
    QVERIFY2(t, qPrintable(error));
    const QList<QByteArray> captures { "PING 7"_ba, "7"_ba };
    MessageTemplate::Context context;
    context.sequence = sequence;
    context.program = u"echo-client"_s;
    context.captures = &captures;
    QCOMPARE(t->expand(context).toHex(' '), expected.toHex(' '));
}

void tst_Template::timeTokens()
{
    const QDateTime at(QDate(2026, 12, 1), QTime(9, 5, 7, 42), Qt::OffsetFromUTC, 3600);
    MessageTemplate::Context context;
    context.now = at;
    const auto expand = [&](const QString &text, MessageTemplate::Syntax syntax = MessageTemplate::Syntax::Plain) {
        const std::optional<MessageTemplate> t = MessageTemplate::parse(text, syntax);
        return t ? t->expand(context) : "(refused)"_ba;
    };
    QCOMPARE(expand(u"{time}"_s), "2026-12-01T09:05:07.042+01:00"_ba);
    QCOMPARE(expand(u"{time:HH:mm}"_s), "09:05"_ba);
    QCOMPARE(expand(u"{time:yyyyMMdd}"_s), "20261201"_ba);
    QCOMPARE(expand(u"at %2"_s, MessageTemplate::Syntax::Seed), "at 2026-12-01 09:05:07.042"_ba);
    // Without a time given, now: ISO 8601 with milliseconds and an offset.
    const QByteArray now = MessageTemplate::parse(u"{time}"_s)->expand();
    QVERIFY2(QRegularExpression(u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}([+-]\\d\\d:\\d\\d|Z)$"_s)
                     .match(QString::fromLatin1(now))
                     .hasMatch(),
             now.constData());
}

void tst_Template::randomStaysInItsRange()
{
    const std::optional<MessageTemplate> t = MessageTemplate::parse(u"{random:3-5}"_s);
    QVERIFY(t);
    QSet<QByteArray> seen;
    for (int i = 0; i < 300; ++i)
        seen.insert(t->expand());
    QCOMPARE(seen, (QSet<QByteArray> { "3"_ba, "4"_ba, "5"_ba }));
    QCOMPARE(MessageTemplate::parse(u"{random:7-7}"_s)->expand(), "7"_ba);
    // The ends of qint64: the largest as MAX (found by fuzz_template: MAX + 1 overflowed), the least but one as MIN.
    for (const auto &[text, low, high] : { std::tuple { u"{random:5808-9223372036854775807}"_s, qint64(5808),
                                                        std::numeric_limits<qint64>::max() },
                                           std::tuple { u"{random:-9223372036854775807--2}"_s,
                                                        std::numeric_limits<qint64>::min() + 1, qint64(-2) },
                                           std::tuple { u"{random:9223372036854775807-9223372036854775807}"_s,
                                                        std::numeric_limits<qint64>::max(), std::numeric_limits<qint64>::max() } }) {
        const std::optional<MessageTemplate> wide = MessageTemplate::parse(text);
        QVERIFY2(wide, qPrintable(text));
        for (int i = 0; i < 50; ++i) {
            bool ok = false;
            const qint64 value = wide->expand().toLongLong(&ok);
            QVERIFY(ok);
            QVERIFY2(value >= low && value <= high, qPrintable(text));
        }
    }
}

void tst_Template::checksumsCoverEverythingBefore()
{
    // A checksum covers every byte before it, tokens' bytes and earlier checksums included.
    const std::optional<MessageTemplate> t = MessageTemplate::parse(u"{counter}{hex:00}{sum8}{xor8}"_s);
    QVERIFY(t);
    MessageTemplate::Context context;
    context.sequence = 2;   // "2" = 0x32
    const QByteArray bytes = t->expand(context);
    QCOMPARE(bytes.toHex(), "320032"_ba + QByteArray::number(0x32 ^ 0x32, 16).rightJustified(2, '0'));
}

void tst_Template::refuses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("syntax");
    QTest::addColumn<QString>("reason");
    const int plain = int(MessageTemplate::Syntax::Plain);
    QTest::newRow("unknown token") << u"a {countr}"_s << plain << u"unknown token {countr}"_s;
    QTest::newRow("random reversed") << u"{random:9-1}"_s << plain << u"{random:9-1}: write {random:MIN-MAX}"_s;
    QTest::newRow("random not numbers") << u"{random:a-b}"_s << plain << u"{random:a-b}"_s;
    QTest::newRow("random span too wide") << u"{random:-9223372036854775808-9223372036854775806}"_s << plain
                                          << u"write {random:MIN-MAX}"_s;
    QTest::newRow("random one number") << u"{random:5}"_s << plain << u"{random:5}"_s;
    QTest::newRow("counter start") << u"{counter:x}"_s << plain << u"START must be a whole number"_s;
    QTest::newRow("hex token odd") << u"{hex:abc}"_s << plain << u"{hex:abc}: not hex bytes"_s;
    QTest::newRow("hex token empty") << u"{hex:}"_s << plain << u"not hex bytes"_s;
    QTest::newRow("time empty format") << u"{time:}"_s << plain << u"the format is empty"_s;
    QTest::newRow("unclosed") << u"{time:HH"_s << plain << u"no closing"_s;
    QTest::newRow("client argument") << u"{client:1}"_s << plain << u"takes no argument"_s;
    QTest::newRow("checksum argument") << u"{crc32:x}"_s << plain << u"takes no argument"_s;
    QTest::newRow("hex literal") << u"01 zz"_s << int(MessageTemplate::Syntax::Hex) << u"is not hex bytes"_s;
    QTest::newRow("hex literal half byte") << u"01 0"_s << int(MessageTemplate::Syntax::Hex) << u"is not hex bytes"_s;
}

void tst_Template::refuses()
{
    QFETCH(QString, text);
    QFETCH(int, syntax);
    QFETCH(QString, reason);
    QString error;
    QVERIFY(!MessageTemplate::parse(text, MessageTemplate::Syntax(syntax), &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
}

void tst_Template::constantTemplatesAreConstant()
{
    QVERIFY(MessageTemplate::parse(u"plain {hex:01}"_s)->isConstant());
    QVERIFY(!MessageTemplate::parse(u"{counter}"_s)->isConstant());
    QVERIFY(MessageTemplate::parse(u"#{client}"_s)->usesClient());
    MessageTemplate::Context receiver;
    receiver.client = 42;
    QCOMPARE(MessageTemplate::parse(u"to #{client}"_s)->expand(receiver), "to #42"_ba);
    QVERIFY(!MessageTemplate::parse(u"{crc32}"_s)->usesClient());
    QCOMPARE(MessageTemplate::parse(u"a \\2"_s, MessageTemplate::Syntax::Rule)->highestCapture(), 2);
}

QTEST_GUILESS_MAIN(tst_Template)
#include "tst_template.moc"
