// SPDX-License-Identifier: MIT
#include "core/framer.h"

#include <QTest>

#include <optional>

#include "core/delimiterframer.h"
#include "core/fixedframer.h"
#include "core/framing.h"
#include "core/idleframer.h"
#include "core/lengthframer.h"
#include "core/lineframer.h"

using namespace Qt::Literals::StringLiterals;

Q_DECLARE_METATYPE(FrameStatus)
Q_DECLARE_METATYPE(Framing::Kind)

namespace QTest {
template <>
char *toString(const FrameStatus &status)
{
    switch (status) {
    case FrameStatus::Ok:
        return qstrdup("Ok");
    case FrameStatus::Stopped:
        return qstrdup("Stopped");
    case FrameStatus::Overlong:
        return qstrdup("Overlong");
    case FrameStatus::BadLength:
        return qstrdup("BadLength");
    }
    return qstrdup("?");
}
} // namespace QTest

/*
 * The framings of issue 14 (lib/core/framing.h and the framers behind
 * core/framer.h): the SPEC parser, each framer fed in every chunk size from one
 * byte to the whole stream (through the Framer wrapper and through its own
 * class), what a sender's encode() makes of a payload, and the limit check.
 * The expected frames are written out by hand from each framer's grammar.
 */
class tst_Framer : public QObject
{
    Q_OBJECT

private slots:
    void parseAcceptsAndRoundTrips_data();
    void parseAcceptsAndRoundTrips();
    void parseRefuses_data();
    void parseRefuses();

    void everyChunkSize_data();
    void everyChunkSize();
    void callbackCanStopFraming_data();
    void callbackCanStopFraming();
    void lengthOverlongAsSoonAsTheHeaderIsComplete_data();
    void lengthOverlongAsSoonAsTheHeaderIsComplete();
    void setMaxLengthAppliesToTheNextBytes_data();
    void setMaxLengthAppliesToTheNextBytes();
    void clearForgetsTheUnfinishedFrame_data();
    void clearForgetsTheUnfinishedFrame();
    void quietAndCloseEndOnlyTextAndIdleFrames();

    void encode_data();
    void encode();
    void encodeRefusesWhatWouldNotComeBackAsOne();
    void encodedFramesComeBackAsOneMessage_data();
    void encodedFramesComeBackAsOneMessage();
    void carriesWhatAFramerYieldsAsOne_data();
    void carriesWhatAFramerYieldsAsOne();
    void fieldValueReadsTheHeader();
    void describedLengthExampleIsOneFrame_data();
    void describedLengthExampleIsOneFrame();
    void checkLimit_data();
    void checkLimit();
};

namespace {

Framing framingOf(const QString &spec)
{
    const std::optional<Framing> framing = Framing::parse(spec);
    if (!framing)
        qFatal("bad spec in the test itself: %s", qPrintable(spec));
    return *framing;
}

/** Calls @p use with the concrete framer class the framing names (not the Framer wrapper). */
template <typename Use>
void withConcreteFramer(const Framing &framing, qsizetype maxLength, Use &&use)
{
    switch (framing.kind) {
    case Framing::Kind::Line: {
        LineFramer framer(maxLength);
        use(framer);
        return;
    }
    case Framing::Kind::Delimiter: {
        DelimiterFramer framer(framing.delimiter, maxLength);
        use(framer);
        return;
    }
    case Framing::Kind::Fixed: {
        FixedFramer framer(framing.fixedSize);
        use(framer);
        return;
    }
    case Framing::Kind::Length: {
        LengthFramer framer(framing, maxLength);
        use(framer);
        return;
    }
    case Framing::Kind::Idle: {
        IdleFramer framer(maxLength);
        use(framer);
        return;
    }
    }
}

/**
 * Feeds @p input to @p framer in pieces of @p chunk bytes; the callback says
 * false at message number @p stopAt (counted from 1; 0: never). Feeding ends
 * at the first status other than Ok, as the engine drops the sender then.
 */
template <typename AnyFramer>
auto frameInChunks(AnyFramer &framer, const QByteArray &input, qsizetype chunk, int stopAt = 0)
{
    struct {
        QList<QByteArray> messages;
        QByteArray partial;
        qsizetype partialSize = 0;
        FrameStatus status = FrameStatus::Ok;
    } result;
    for (qsizetype at = 0; at < input.size(); at += chunk) {
        const QByteArrayView piece = QByteArrayView(input).sliced(at, qMin(chunk, input.size() - at));
        result.status = framer.feed(piece, [&](QByteArrayView message) {
            result.messages.append(message.toByteArray());
            return result.messages.size() != stopAt;
        });
        if (result.status != FrameStatus::Ok) {
            result.partialSize = framer.partialSize();
            return result;
        }
    }
    result.partialSize = framer.partialSize();
    result.partial = framer.takePartial();
    if (framer.hasPartial())
        result.partialSize = -1;   // takePartial() did not forget it: fails every comparison below
    return result;
}

void addChunkRows(const char *name, const QString &spec, int maxLength, const QByteArray &input,
                  const QList<QByteArray> &messages, const QByteArray &partial, FrameStatus status)
{
    // Every chunk size from one byte to the whole input.
    for (int chunk = 1; chunk <= input.size(); ++chunk)
        QTest::addRow("%s-%d", name, chunk) << spec << maxLength << input << messages << partial << status << chunk;
}

QByteArray bytes(const char *hex)
{
    return QByteArray::fromHex(hex);
}

// Modbus TCP (length:2,offset=4): read holding registers 0..9 of unit 1, and a reply of one register.
const QByteArray modbusRequest = bytes("00010000000601030000000a");
const QByteArray modbusReply = bytes("0001000000050103 02002a");

} // namespace

// ---- Framing::parse -------------------------------------------------------

void tst_Framer::parseAcceptsAndRoundTrips_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<Framing::Kind>("kind");
    QTest::addColumn<QByteArray>("delimiter");
    QTest::addColumn<qsizetype>("fixedSize");
    QTest::addColumn<int>("lengthSize");
    QTest::addColumn<bool>("littleEndian");
    QTest::addColumn<int>("lengthOffset");
    QTest::addColumn<qint64>("lengthAdjust");
    QTest::addColumn<int>("idleMs");
    QTest::addColumn<QString>("canonical");

    using K = Framing::Kind;
    const QByteArray none;
    QTest::newRow("line") << u"line"_s << K::Line << none << qsizetype(0) << 2 << false << 0 << qint64(0) << 0 << u"line"_s;
    QTest::newRow("line-spaces") << u"  line "_s << K::Line << none << qsizetype(0) << 2 << false << 0 << qint64(0) << 0 << u"line"_s;
    QTest::newRow("delimiter-crlf") << u"delimiter:0d0a"_s << K::Delimiter << "\r\n"_ba << qsizetype(0) << 2 << false << 0 << qint64(0) << 0
                                    << u"delimiter:0d0a"_s;
    QTest::newRow("delimiter-7e") << u"delimiter:7e"_s << K::Delimiter << "\x7e"_ba << qsizetype(0) << 2 << false << 0 << qint64(0) << 0
                                  << u"delimiter:7e"_s;
    QTest::newRow("delimiter-0x7e") << u"delimiter:0x7e"_s << K::Delimiter << "\x7e"_ba << qsizetype(0) << 2 << false << 0 << qint64(0) << 0
                                    << u"delimiter:7e"_s;
    QTest::newRow("delimiter-nul") << u"delimiter:00"_s << K::Delimiter << QByteArray(1, '\0') << qsizetype(0) << 2 << false << 0 << qint64(0)
                                   << 0 << u"delimiter:00"_s;
    QTest::newRow("delimiter-spaced-upper") << u"delimiter:0D 0A"_s << K::Delimiter << "\r\n"_ba << qsizetype(0) << 2 << false << 0 << qint64(0)
                                            << 0 << u"delimiter:0d0a"_s;
    QTest::newRow("delimiter-16-bytes") << u"delimiter:000102030405060708090a0b0c0d0e0f"_s << K::Delimiter
                                        << bytes("000102030405060708090a0b0c0d0e0f") << qsizetype(0) << 2 << false << 0 << qint64(0) << 0
                                        << u"delimiter:000102030405060708090a0b0c0d0e0f"_s;
    QTest::newRow("fixed-8") << u"fixed:8"_s << K::Fixed << none << qsizetype(8) << 2 << false << 0 << qint64(0) << 0 << u"fixed:8"_s;
    QTest::newRow("fixed-1") << u"fixed:1"_s << K::Fixed << none << qsizetype(1) << 2 << false << 0 << qint64(0) << 0 << u"fixed:1"_s;
    QTest::newRow("length-1") << u"length:1"_s << K::Length << none << qsizetype(0) << 1 << false << 0 << qint64(0) << 0 << u"length:1"_s;
    QTest::newRow("length-2") << u"length:2"_s << K::Length << none << qsizetype(0) << 2 << false << 0 << qint64(0) << 0 << u"length:2"_s;
    QTest::newRow("length-2-be") << u"length:2,be"_s << K::Length << none << qsizetype(0) << 2 << false << 0 << qint64(0) << 0 << u"length:2"_s;
    QTest::newRow("length-modbus-tcp") << u"length:2,offset=4"_s << K::Length << none << qsizetype(0) << 2 << false << 4 << qint64(0) << 0
                                       << u"length:2,offset=4"_s;
    QTest::newRow("length-4-le-adjust") << u"length:4,le,adjust=-4"_s << K::Length << none << qsizetype(0) << 4 << true << 0 << qint64(-4)
                                        << 0 << u"length:4,le,adjust=-4"_s;
    QTest::newRow("length-options-any-order") << u"length:4, adjust=+2 ,offset=3,le"_s << K::Length << none << qsizetype(0) << 4 << true << 3
                                              << qint64(2) << 0 << u"length:4,le,offset=3,adjust=2"_s;
    QTest::newRow("length-adjust-limit") << u"length:4,adjust=-4294967296"_s << K::Length << none << qsizetype(0) << 4 << false << 0
                                         << -Framing::MaxLengthAdjust << 0 << u"length:4,adjust=-4294967296"_s;
    QTest::newRow("idle-50") << u"idle:50"_s << K::Idle << none << qsizetype(0) << 2 << false << 0 << qint64(0) << 50 << u"idle:50"_s;
    QTest::newRow("idle-0") << u"idle:0"_s << K::Idle << none << qsizetype(0) << 2 << false << 0 << qint64(0) << 0 << u"idle:0"_s;
}

void tst_Framer::parseAcceptsAndRoundTrips()
{
    QFETCH(QString, spec);
    QFETCH(Framing::Kind, kind);
    QFETCH(QByteArray, delimiter);
    QFETCH(qsizetype, fixedSize);
    QFETCH(int, lengthSize);
    QFETCH(bool, littleEndian);
    QFETCH(int, lengthOffset);
    QFETCH(qint64, lengthAdjust);
    QFETCH(int, idleMs);
    QFETCH(QString, canonical);

    QString error = u"untouched"_s;
    const std::optional<Framing> framing = Framing::parse(spec, &error);
    QVERIFY2(framing, qPrintable(error));
    QCOMPARE(framing->kind, kind);
    QCOMPARE(framing->delimiter, delimiter);
    QCOMPARE(framing->fixedSize, fixedSize);
    QCOMPARE(framing->lengthSize, lengthSize);
    QCOMPARE(framing->littleEndian, littleEndian);
    QCOMPARE(framing->lengthOffset, lengthOffset);
    QCOMPARE(framing->lengthAdjust, lengthAdjust);
    QCOMPARE(framing->idleMs, idleMs);
    QCOMPARE(framing->spec(), canonical);

    const std::optional<Framing> again = Framing::parse(framing->spec());
    QVERIFY(again);
    QVERIFY(*again == *framing);
    QVERIFY(!framing->describe().isEmpty());
}

void tst_Framer::parseRefuses_data()
{
    QTest::addColumn<QString>("spec");

    QTest::newRow("empty") << QString();
    QTest::newRow("unknown-kind") << u"crc:16"_s;
    QTest::newRow("kind-case") << u"Line"_s;
    QTest::newRow("line-with-parameter") << u"line:1"_s;
    QTest::newRow("line-with-colon") << u"line:"_s;
    QTest::newRow("delimiter-odd-digits") << u"delimiter:7"_s;
    QTest::newRow("delimiter-empty") << u"delimiter:"_s;
    QTest::newRow("delimiter-not-hex") << u"delimiter:zz"_s;
    QTest::newRow("delimiter-only-0x") << u"delimiter:0x"_s;
    QTest::newRow("delimiter-17-bytes") << u"delimiter:000102030405060708090a0b0c0d0e0f10"_s;
    // Digits of other scripts are not hexadecimal (once taken by QChar::isDigit(): Latin-1 made them '?',
    // which fromHex() dropped, leaving an empty delimiter on which the framer looped for ever).
    QTest::newRow("delimiter-arabic-indic-digits") << u"delimiter:\u0660\u0660"_s;
    QTest::newRow("delimiter-fullwidth-digits") << u"delimiter:\uff10\uff10"_s;
    // "A leading 0x between pairs": not in the middle of a pair.
    QTest::newRow("delimiter-0x-inside-a-pair") << u"delimiter:a0xb"_s;
    QTest::newRow("fixed-0") << u"fixed:0"_s;
    QTest::newRow("fixed-negative") << u"fixed:-8"_s;
    QTest::newRow("fixed-empty") << u"fixed:"_s;
    QTest::newRow("fixed-not-a-number") << u"fixed:eight"_s;
    QTest::newRow("fixed-over-int") << u"fixed:2147483648"_s;
    QTest::newRow("length-3") << u"length:3"_s;
    QTest::newRow("length-0") << u"length:0"_s;
    QTest::newRow("length-8") << u"length:8"_s;
    QTest::newRow("length-empty") << u"length:"_s;
    QTest::newRow("length-unknown-option") << u"length:2,foo"_s;
    QTest::newRow("length-empty-option") << u"length:2,"_s;
    QTest::newRow("length-negative-offset") << u"length:2,offset=-1"_s;
    QTest::newRow("length-offset-too-far") << u"length:2,offset=65536"_s;
    QTest::newRow("length-adjust-not-a-number") << u"length:2,adjust=x"_s;
    QTest::newRow("length-adjust-too-large") << u"length:2,adjust=4294967297"_s;
    QTest::newRow("idle-negative") << u"idle:-1"_s;
    QTest::newRow("idle-empty") << u"idle:"_s;
    QTest::newRow("idle-over-an-hour") << u"idle:3600001"_s;
}

void tst_Framer::parseRefuses()
{
    QFETCH(QString, spec);

    QString error;
    const std::optional<Framing> framing = Framing::parse(spec, &error);
    QVERIFY2(!framing, qPrintable(framing ? framing->spec() : QString()));
    QVERIFY(!error.isEmpty());
    // No error pointer: refused all the same, and no crash.
    QVERIFY(!Framing::parse(spec));
}

// ---- the framers, every chunk size ---------------------------------------

void tst_Framer::everyChunkSize_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<int>("maxLength");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QList<QByteArray>>("messages");
    QTest::addColumn<QByteArray>("partial");
    QTest::addColumn<FrameStatus>("status");
    QTest::addColumn<int>("chunk");

    using S = FrameStatus;
    const QByteArray empty;

    // The wrapper's default kind, to see that it dispatches (lineframer has its own suite).
    addChunkRows("line", u"line"_s, 16, "a\r\nb\n\nc"_ba, { "a"_ba, "b"_ba, empty }, "c"_ba, S::Ok);

    // delimiter:7e (0x7e is '~')
    addChunkRows("delimiter-glued", u"delimiter:7e"_s, 16, "ab~cd~ef"_ba, { "ab"_ba, "cd"_ba }, "ef"_ba, S::Ok);
    addChunkRows("delimiter-empty-frames", u"delimiter:7e"_s, 16, "~~x~~"_ba, { empty, empty, "x"_ba, empty }, empty, S::Ok);
    addChunkRows("delimiter-binary", u"delimiter:00"_s, 16, QByteArray("\xff\x7e\0\0\x01", 5), { "\xff\x7e"_ba, empty }, "\x01"_ba, S::Ok);
    addChunkRows("delimiter-at-limit", u"delimiter:7e"_s, 5, "12345~~"_ba, { "12345"_ba, empty }, empty, S::Ok);
    // In 5-byte (crlf: 6-byte) reads: one byte of the message kept, then all the rest with its delimiter at once.
    addChunkRows("delimiter-at-limit-after-one-kept-byte", u"delimiter:7e"_s, 5, "abc~12345~"_ba, { "abc"_ba, "12345"_ba }, empty, S::Ok);
    addChunkRows("crlf-at-limit-after-one-kept-byte", u"delimiter:0d0a"_s, 5, "abc\r\n12345\r\n"_ba, { "abc"_ba, "12345"_ba }, empty, S::Ok);
    addChunkRows("delimiter-unfinished-at-limit", u"delimiter:7e"_s, 5, "ok~12345"_ba, { "ok"_ba }, "12345"_ba, S::Ok);
    addChunkRows("delimiter-one-over", u"delimiter:7e"_s, 5, "ok~123456~"_ba, { "ok"_ba }, empty, S::Overlong);
    addChunkRows("delimiter-unfinished-one-over", u"delimiter:7e"_s, 5, "ok~123456"_ba, { "ok"_ba }, empty, S::Overlong);
    addChunkRows("delimiter-one-over-then-more", u"delimiter:7e"_s, 5, "123456~ab~"_ba, {}, empty, S::Overlong);
    // delimiter:0d0a: every chunk size splits the CR from its LF somewhere.
    addChunkRows("crlf-split", u"delimiter:0d0a"_s, 16, "one\r\ntwo\r\n\r\n"_ba, { "one"_ba, "two"_ba, empty }, empty, S::Ok);
    addChunkRows("crlf-lone-cr-and-lf-are-data", u"delimiter:0d0a"_s, 16, "a\rb\r\r\nc\n\r\n\n"_ba, { "a\rb\r"_ba, "c\n"_ba }, "\n"_ba, S::Ok);
    addChunkRows("crlf-unfinished-delimiter-kept", u"delimiter:0d0a"_s, 16, "x\r\nab\r"_ba, { "x"_ba }, "ab\r"_ba, S::Ok);
    addChunkRows("crlf-at-limit", u"delimiter:0d0a"_s, 5, "12345\r\n"_ba, { "12345"_ba }, empty, S::Ok);
    // 5 bytes and a CR: the CR may still begin the delimiter, so nothing is certain yet.
    addChunkRows("crlf-at-limit-cr-pending", u"delimiter:0d0a"_s, 5, "12345\r"_ba, {}, "12345\r"_ba, S::Ok);
    addChunkRows("crlf-one-over", u"delimiter:0d0a"_s, 5, "123456\r\n"_ba, {}, empty, S::Overlong);
    addChunkRows("crlf-at-limit-cr-not-delimiter", u"delimiter:0d0a"_s, 5, "12345\rx"_ba, {}, empty, S::Overlong);
    // Overlapping delimiters: the first occurrence ends the message.
    addChunkRows("aab-overlap", u"delimiter:616162"_s, 16, "xaaabyaab"_ba, { "xa"_ba, "y"_ba }, empty, S::Ok);
    addChunkRows("aba-overlap", u"delimiter:616261"_s, 16, "ababa-aba"_ba, { empty, "ba-"_ba }, empty, S::Ok);

    // fixed:N
    addChunkRows("fixed-glued", u"fixed:4"_s, 16, "aaaabbbbcccc"_ba, { "aaaa"_ba, "bbbb"_ba, "cccc"_ba }, empty, S::Ok);
    addChunkRows("fixed-unfinished-tail", u"fixed:4"_s, 16, "aaaabb"_ba, { "aaaa"_ba }, "bb"_ba, S::Ok);
    addChunkRows("fixed-only-a-tail", u"fixed:8"_s, 16, "1234567"_ba, {}, "1234567"_ba, S::Ok);
    addChunkRows("fixed-one", u"fixed:1"_s, 16, QByteArray("a\0\n", 3), { "a"_ba, QByteArray(1, '\0'), "\n"_ba }, empty, S::Ok);
    addChunkRows("fixed-binary", u"fixed:3"_s, 16, QByteArray("\0\r\n\0\0\0\xff", 7), { QByteArray("\0\r\n", 3), QByteArray(3, '\0') },
                 "\xff"_ba, S::Ok);

    // length:SIZE[,le][,offset=N][,adjust=N]
    addChunkRows("length2-glued", u"length:2"_s, 16, bytes("00026162 0000 000163"), { bytes("00026162"), bytes("0000"), bytes("000163") },
                 empty, S::Ok);
    addChunkRows("length1-unfinished", u"length:1"_s, 16, bytes("03616263 056465"), { bytes("03616263") }, bytes("056465"), S::Ok);
    addChunkRows("length-offset-unfinished-header", u"length:2,offset=2"_s, 16, bytes("aabb0001cc ee"), { bytes("aabb0001cc") }, bytes("ee"),
                 S::Ok);
    addChunkRows("length2-le", u"length:2,le"_s, 16, bytes("02006162 0100ff"), { bytes("02006162"), bytes("0100ff") }, empty, S::Ok);
    addChunkRows("length4-be", u"length:4"_s, 16, bytes("00000003616263"), { bytes("00000003616263") }, empty, S::Ok);
    addChunkRows("modbus-tcp", u"length:2,offset=4"_s, 260, modbusRequest + modbusReply, { modbusRequest, modbusReply }, empty, S::Ok);
    addChunkRows("modbus-tcp-unfinished", u"length:2,offset=4"_s, 260, modbusRequest + modbusReply.first(9), { modbusRequest },
                 modbusReply.first(9), S::Ok);
    // The field counts itself: 6 means two bytes after it.
    addChunkRows("length4-le-counts-itself", u"length:4,le,adjust=-4"_s, 16, bytes("060000006162 04000000"), { bytes("060000006162"), bytes("04000000") },
                 empty, S::Ok);
    // Two bytes of CRC after the body the field counts.
    addChunkRows("length2-adjust-plus", u"length:2,adjust=2"_s, 16, bytes("000161ccdd 0000eeff"), { bytes("000161ccdd"), bytes("0000eeff") },
                 empty, S::Ok);
    addChunkRows("length1-offset-le-adjust", u"length:2,le,offset=1,adjust=-1"_s, 16, bytes("7e0300aabb"), { bytes("7e0300aabb") }, empty,
                 S::Ok);
    addChunkRows("length-at-limit", u"length:2"_s, 6, bytes("00046162 6364"), { bytes("000461626364") }, empty, S::Ok);
    addChunkRows("length-one-over", u"length:2"_s, 6, bytes("0001ff 0005616263 6465"), { bytes("0001ff") }, empty, S::Overlong);
    // Only the header of a frame over the limit: refused before its body is here.
    addChunkRows("length-over-header-only", u"length:2"_s, 6, bytes("0005"), {}, empty, S::Overlong);
    addChunkRows("length-over-header-only-offset", u"length:2,offset=4"_s, 260, bytes("0001 0000 00ff"), {}, empty, S::Overlong);
    addChunkRows("length4-huge", u"length:4"_s, 1024, bytes("ffffffff"), {}, empty, S::Overlong);
    addChunkRows("length4-huge-le-adjust", u"length:4,le,adjust=4294967296"_s, 1024, bytes("00000000"), {}, empty, S::Overlong);
    // field + adjust < 0: the header would have to be its own continuation.
    addChunkRows("length-bad", u"length:2,adjust=-3"_s, 16, bytes("0003 0002 61"), { bytes("0003") }, empty, S::BadLength);
    addChunkRows("length-bad-le-counts-itself", u"length:4,le,adjust=-4"_s, 16, bytes("03000000 61"), {}, empty, S::BadLength);
    addChunkRows("length-adjust-floor", u"length:4,adjust=-4294967296"_s, 16, bytes("ffffffff"), {}, empty, S::BadLength);

    // idle:MS: feed() never ends a message; everything is the unfinished frame.
    addChunkRows("idle-accumulates", u"idle:50"_s, 16, QByteArray("ab\ncd\0~\r\n", 9), {}, QByteArray("ab\ncd\0~\r\n", 9), S::Ok);
    addChunkRows("idle-0-accumulates", u"idle:0"_s, 16, "abc"_ba, {}, "abc"_ba, S::Ok);
    addChunkRows("idle-at-limit", u"idle:50"_s, 5, "12345"_ba, {}, "12345"_ba, S::Ok);
    addChunkRows("idle-one-over", u"idle:50"_s, 5, "123456"_ba, {}, empty, S::Overlong);
}

void tst_Framer::everyChunkSize()
{
    QFETCH(QString, spec);
    QFETCH(int, maxLength);
    QFETCH(QByteArray, input);
    QFETCH(QList<QByteArray>, messages);
    QFETCH(QByteArray, partial);
    QFETCH(FrameStatus, status);
    QFETCH(int, chunk);

    const Framing framing = framingOf(spec);

    Framer wrapped(framing, maxLength);
    const auto viaWrapper = frameInChunks(wrapped, input, chunk);
    QCOMPARE(viaWrapper.status, status);
    QCOMPARE(viaWrapper.messages, messages);
    QCOMPARE(viaWrapper.partial, partial);
    // After a failure the framer is cleared; else partialSize() said what takePartial() gave.
    QCOMPARE(viaWrapper.partialSize, partial.size());

    bool ran = false;
    withConcreteFramer(framing, maxLength, [&](auto &framer) {
        ran = true;
        const auto direct = frameInChunks(framer, input, chunk);
        QCOMPARE(direct.status, status);
        QCOMPARE(direct.messages, messages);
        QCOMPARE(direct.partial, partial);
        QCOMPARE(direct.partialSize, partial.size());
    });
    QVERIFY(ran);
}

void tst_Framer::callbackCanStopFraming_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QList<QByteArray>>("messages");   // up to and with the one the callback refused
    QTest::addColumn<int>("chunk");

    const auto add = [](const char *name, const QString &spec, const QByteArray &input, const QList<QByteArray> &messages) {
        for (int chunk = 1; chunk <= input.size(); ++chunk)
            QTest::addRow("%s-%d", name, chunk) << spec << input << messages << chunk;
    };
    // The callback says false to the second message ("close").
    add("line", u"line"_s, "a\nclose\nb\nc"_ba, { "a"_ba, "close"_ba });
    add("delimiter", u"delimiter:7e"_s, "a~close~b~c"_ba, { "a"_ba, "close"_ba });
    add("delimiter-crlf", u"delimiter:0d0a"_s, "a\r\nclose\r\nb\r\nc\r"_ba, { "a"_ba, "close"_ba });
    add("fixed", u"fixed:5"_s, "a----close12345678"_ba, { "a----"_ba, "close"_ba });
    add("length", u"length:1"_s, bytes("0161 05636c6f7365 0162 0263"), { bytes("0161"), bytes("05636c6f7365") });
    // (idle framing has no callback: its messages are taken when the sender is quiet.)
}

void tst_Framer::callbackCanStopFraming()
{
    QFETCH(QString, spec);
    QFETCH(QByteArray, input);
    QFETCH(QList<QByteArray>, messages);
    QFETCH(int, chunk);

    const Framing framing = framingOf(spec);
    Framer wrapped(framing, 64);
    const auto viaWrapper = frameInChunks(wrapped, input, chunk, 2);
    QCOMPARE(viaWrapper.status, FrameStatus::Stopped);
    QCOMPARE(viaWrapper.messages, messages);
    QCOMPARE(viaWrapper.partialSize, 0);   // the rest of the input was discarded

    withConcreteFramer(framing, 64, [&](auto &framer) {
        const auto direct = frameInChunks(framer, input, chunk, 2);
        QCOMPARE(direct.status, FrameStatus::Stopped);
        QCOMPARE(direct.messages, messages);
        QCOMPARE(direct.partialSize, 0);
    });
}

void tst_Framer::lengthOverlongAsSoonAsTheHeaderIsComplete_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QByteArray>("header");

    // The limit is 64 bytes; each header announces more.
    QTest::newRow("length2") << u"length:2"_s << bytes("003f");                  // 2 + 63
    QTest::newRow("length1-adjust") << u"length:1,adjust=60"_s << bytes("04");  // 1 + 4 + 60
    QTest::newRow("length4-le") << u"length:4,le"_s << bytes("00000001");       // 4 + 2^24
    QTest::newRow("modbus-tcp") << u"length:2,offset=4"_s << bytes("0001000000ff");
}

void tst_Framer::lengthOverlongAsSoonAsTheHeaderIsComplete()
{
    QFETCH(QString, spec);
    QFETCH(QByteArray, header);

    const Framing framing = framingOf(spec);
    QCOMPARE(framing.headerSize(), header.size());
    int calls = 0;
    const auto count = [&calls](QByteArrayView) {
        ++calls;
        return true;
    };

    // In one piece.
    Framer whole(framing, 64);
    QCOMPARE(whole.feed(header, count), FrameStatus::Overlong);
    QCOMPARE(whole.partialSize(), 0);

    // A byte at a time: kept until the field is complete, refused at its last byte.
    Framer bytewise(framing, 64);
    for (qsizetype i = 0; i + 1 < header.size(); ++i) {
        QCOMPARE(bytewise.feed(QByteArrayView(header).sliced(i, 1), count), FrameStatus::Ok);
        QCOMPARE(bytewise.partialSize(), i + 1);
    }
    QCOMPARE(bytewise.feed(QByteArrayView(header).last(1), count), FrameStatus::Overlong);
    QCOMPARE(bytewise.partialSize(), 0);
    QCOMPARE(calls, 0);

    // The same frame one byte shorter than it announced is within a limit that fits it.
    const qint64 total = framing.headerSize() + qint64(framing.fieldValue(header)) + framing.lengthAdjust;
    if (total <= 1024) {
        Framer fits(framing, total);
        QCOMPARE(fits.feed(header, count), FrameStatus::Ok);
        QCOMPARE(fits.partialSize(), header.size());
    }
}

void tst_Framer::setMaxLengthAppliesToTheNextBytes_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QByteArray>("fits");       // a message of 4 bytes
    QTest::addColumn<QByteArray>("tooLong");    // one of 5

    QTest::newRow("line") << u"line"_s << "1234\n"_ba << "12345\n"_ba;
    QTest::newRow("delimiter") << u"delimiter:7e"_s << "1234~"_ba << "12345~"_ba;
    QTest::newRow("length") << u"length:1"_s << bytes("03616263") << bytes("0461626364");
    QTest::newRow("idle") << u"idle:10"_s << "1234"_ba << "12345"_ba;
}

void tst_Framer::setMaxLengthAppliesToTheNextBytes()
{
    QFETCH(QString, spec);
    QFETCH(QByteArray, fits);
    QFETCH(QByteArray, tooLong);

    const auto accept = [](QByteArrayView) { return true; };
    Framer framer(framingOf(spec), 1024);
    QCOMPARE(framer.feed(tooLong, accept), FrameStatus::Ok);
    framer.clear();
    framer.setMaxLength(4);
    QCOMPARE(framer.feed(fits, accept), FrameStatus::Ok);
    framer.clear();
    QCOMPARE(framer.feed(tooLong, accept), FrameStatus::Overlong);
    QVERIFY(!framer.hasPartial());
}

void tst_Framer::clearForgetsTheUnfinishedFrame_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QByteArray>("unfinished");
    QTest::addColumn<QByteArray>("next");       // a whole frame on its own

    QTest::newRow("delimiter") << u"delimiter:0d0a"_s << "abc\r"_ba << "\r\n"_ba;
    QTest::newRow("fixed") << u"fixed:3"_s << "ab"_ba << "xyz"_ba;
    QTest::newRow("length") << u"length:1"_s << bytes("05") << bytes("0178");
    QTest::newRow("idle") << u"idle:10"_s << "abc"_ba << QByteArray();
}

void tst_Framer::clearForgetsTheUnfinishedFrame()
{
    QFETCH(QString, spec);
    QFETCH(QByteArray, unfinished);
    QFETCH(QByteArray, next);

    QList<QByteArray> out;
    const auto collect = [&out](QByteArrayView message) {
        out.append(message.toByteArray());
        return true;
    };
    Framer framer(framingOf(spec), 64);
    QCOMPARE(framer.feed(unfinished, collect), FrameStatus::Ok);
    QVERIFY(framer.hasPartial());
    QCOMPARE(framer.partialSize(), unfinished.size());
    framer.clear();
    QVERIFY(!framer.hasPartial());
    QCOMPARE(framer.feed(next, collect), FrameStatus::Ok);
    if (!next.isEmpty()) {
        // The delimiter's row: "\r\n" alone is an empty message, not the end of "abc\r" + "\r\n".
        const QByteArray expected = framingOf(spec).kind == Framing::Kind::Delimiter ? QByteArray() : next;
        QCOMPARE(out, QList<QByteArray> { expected });
    }
    QVERIFY(!framer.hasPartial());
}

void tst_Framer::quietAndCloseEndOnlyTextAndIdleFrames()
{
    // A quiet sender ends a line after --flush-ms, an idle frame after its MS; never a binary or delimited frame.
    QCOMPARE(framingOf(u"line"_s).quietMs(20), 20);
    QCOMPARE(framingOf(u"idle:50"_s).quietMs(20), 50);
    QCOMPARE(framingOf(u"idle:0"_s).quietMs(20), 0);
    QCOMPARE(framingOf(u"delimiter:7e"_s).quietMs(20), -1);
    QCOMPARE(framingOf(u"fixed:8"_s).quietMs(20), -1);
    QCOMPARE(framingOf(u"length:2"_s).quietMs(20), -1);
    QVERIFY(Framer::endsAtClose(framingOf(u"line"_s)));
    QVERIFY(Framer::endsAtClose(framingOf(u"delimiter:7e"_s)));
    QVERIFY(Framer::endsAtClose(framingOf(u"idle:0"_s)));
    QVERIFY(!Framer::endsAtClose(framingOf(u"fixed:8"_s)));
    QVERIFY(!Framer::endsAtClose(framingOf(u"length:2,offset=4"_s)));
}

// ---- Framing::encode ------------------------------------------------------

void tst_Framer::encode_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QByteArray>("frame");

    const QByteArray binary("a\0\n\r~\xff", 6);
    QTest::newRow("line-passes-through") << u"line"_s << "hello"_ba << true << "hello"_ba;
    QTest::newRow("delimiter-passes-through") << u"delimiter:0d0a"_s << binary << true << binary;
    QTest::newRow("delimiter-empty") << u"delimiter:7e"_s << QByteArray() << true << QByteArray();
    QTest::newRow("idle-passes-through") << u"idle:50"_s << binary << true << binary;
    QTest::newRow("fixed-right-size") << u"fixed:6"_s << binary << true << binary;
    QTest::newRow("fixed-one-short") << u"fixed:7"_s << binary << false << QByteArray();
    QTest::newRow("fixed-one-over") << u"fixed:5"_s << binary << false << QByteArray();
    QTest::newRow("fixed-empty") << u"fixed:1"_s << QByteArray() << false << QByteArray();
    // Offset 0: the field is made for the payload.
    QTest::newRow("length2-be") << u"length:2"_s << "abc"_ba << true << bytes("0003616263");
    QTest::newRow("length2-le") << u"length:2,le"_s << "abc"_ba << true << bytes("0300616263");
    QTest::newRow("length4-be") << u"length:4"_s << "abc"_ba << true << bytes("00000003616263");
    QTest::newRow("length4-le-counts-itself") << u"length:4,le,adjust=-4"_s << "abc"_ba << true << bytes("07000000616263");
    QTest::newRow("length1-adjust-plus") << u"length:1,adjust=2"_s << "abc"_ba << true << bytes("01616263");
    QTest::newRow("length1-adjust-equals-size") << u"length:1,adjust=3"_s << "abc"_ba << true << bytes("00616263");
    QTest::newRow("length1-adjust-over-size") << u"length:1,adjust=4"_s << "abc"_ba << false << QByteArray();
    QTest::newRow("length2-empty") << u"length:2"_s << QByteArray() << true << bytes("0000");
    QTest::newRow("length2-long") << u"length:2"_s << QByteArray(300, 'x') << true << bytes("012c") + QByteArray(300, 'x');
    QTest::newRow("length1-255") << u"length:1"_s << QByteArray(255, 'x') << true << bytes("ff") + QByteArray(255, 'x');
    QTest::newRow("length1-256") << u"length:1"_s << QByteArray(256, 'x') << false << QByteArray();
    QTest::newRow("length1-counts-itself-254") << u"length:1,adjust=-1"_s << QByteArray(254, 'x') << true << bytes("ff") + QByteArray(254, 'x');
    QTest::newRow("length1-counts-itself-255") << u"length:1,adjust=-1"_s << QByteArray(255, 'x') << false << QByteArray();
    // An offset: the sender writes the whole frame, checked to be exactly one.
    QTest::newRow("modbus-request") << u"length:2,offset=4"_s << modbusRequest << true << modbusRequest;
    QTest::newRow("modbus-reply") << u"length:2,offset=4"_s << modbusReply << true << modbusReply;
    QTest::newRow("modbus-cut") << u"length:2,offset=4"_s << modbusRequest.chopped(1) << false << QByteArray();
    QTest::newRow("modbus-one-byte-more") << u"length:2,offset=4"_s << modbusRequest + "\x00"_ba << false << QByteArray();
    QTest::newRow("modbus-two-frames") << u"length:2,offset=4"_s << modbusRequest + modbusReply << false << QByteArray();
    QTest::newRow("modbus-shorter-than-header") << u"length:2,offset=4"_s << bytes("0001000000") << false << QByteArray();
    QTest::newRow("offset-bad-length") << u"length:1,offset=1,adjust=-3"_s << bytes("aa02") << false << QByteArray();
    QTest::newRow("offset-header-only") << u"length:1,offset=1,adjust=-3"_s << bytes("aa03") << true << bytes("aa03");
}

void tst_Framer::encode()
{
    QFETCH(QString, spec);
    QFETCH(QByteArray, payload);
    QFETCH(bool, accepted);
    QFETCH(QByteArray, frame);

    QString error;
    const std::optional<QByteArray> encoded = framingOf(spec).encode(payload, &error);
    QCOMPARE(encoded.has_value(), accepted);
    if (accepted) {
        QCOMPARE(*encoded, frame);
        QVERIFY(error.isEmpty());
    } else {
        QVERIFY(!error.isEmpty());
        QVERIFY(!framingOf(spec).encode(payload));   // and without an error pointer
    }
}

void tst_Framer::encodedFramesComeBackAsOneMessage_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<int>("chunk");

    struct Case {
        const char *name;
        QString spec;
        QByteArray payload;
    };
    const QList<Case> cases = {
        { "line", u"line"_s, "hello"_ba },
        { "delimiter", u"delimiter:7e"_s, QByteArray("a\0\n", 3) },
        { "delimiter-crlf", u"delimiter:0d0a"_s, "a\rb\nc"_ba },
        { "delimiter-empty", u"delimiter:0d0a"_s, QByteArray() },
        { "fixed", u"fixed:5"_s, "\x01\x02\x03\x04\x05"_ba },
        { "length2", u"length:2"_s, "abc"_ba },
        { "length2-empty", u"length:2"_s, QByteArray() },
        { "length2-le", u"length:2,le"_s, QByteArray(20, '\xaa') },
        { "length4-le-counts-itself", u"length:4,le,adjust=-4"_s, "abc"_ba },
        { "length1-adjust", u"length:1,adjust=2"_s, "abc"_ba },
        { "modbus-tcp", u"length:2,offset=4"_s, modbusRequest },
        { "idle", u"idle:50"_s, QByteArray("a\nb\0", 4) },
    };
    for (const Case &c : cases) {
        const std::optional<QByteArray> encoded = framingOf(c.spec).encode(c.payload);
        const qsizetype size = encoded ? encoded->size() + framingOf(c.spec).suffix().size() : 1;
        for (int chunk = 1; chunk <= size; ++chunk)
            QTest::addRow("%s-%d", c.name, chunk) << c.spec << c.payload << chunk;
    }
}

void tst_Framer::encodeRefusesWhatWouldNotComeBackAsOne()
{
    // A payload that holds the delimiter, or ends so that it and the delimiter hold an earlier
    // one ("xab" + "aba" is "xababa": the message "x"), would arrive as something else.
    for (const auto &[spec, payload] : { std::pair { u"delimiter:7e"_s, "a~b"_ba }, std::pair { u"delimiter:616261"_s, "xab"_ba } }) {
        QString error;
        QVERIFY2(!framingOf(spec).encode(payload, &error), qPrintable(spec));
        QVERIFY(error.contains(u"delimiter"_s));
        QVERIFY(!framingOf(spec).carries(payload));
    }
    QVERIFY(framingOf(u"delimiter:616261"_s).encode("xa"_ba));   // "xaaba": the delimiter ends it, once
}

void tst_Framer::encodedFramesComeBackAsOneMessage()
{
    QFETCH(QString, spec);
    QFETCH(QByteArray, payload);
    QFETCH(int, chunk);

    const Framing framing = framingOf(spec);
    const std::optional<QByteArray> encoded = framing.encode(payload);
    QVERIFY(encoded);
    // What a sender writes: the message, then the framing's suffix (LF, the delimiter or nothing).
    const QByteArray wire = *encoded + framing.suffix();
    Framer framer(framing, 1024);
    const auto result = frameInChunks(framer, wire, chunk);
    QCOMPARE(result.status, FrameStatus::Ok);
    if (framing.kind == Framing::Kind::Idle) {
        // The whole write is the unfinished frame, a message once the sender is quiet.
        QVERIFY(result.messages.isEmpty());
        QCOMPARE(result.partial, *encoded);
        return;
    }
    QCOMPARE(result.messages, QList<QByteArray> { *encoded });
    QVERIFY(result.partial.isEmpty());
}

void tst_Framer::carriesWhatAFramerYieldsAsOne_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<bool>("one");   // fed with its suffix, a framer gives back exactly this message

    QTest::newRow("line") << u"line"_s << "abc"_ba << true;
    QTest::newRow("line-empty") << u"line"_s << QByteArray() << true;
    QTest::newRow("line-two") << u"line"_s << "a\nb"_ba << false;
    QTest::newRow("line-inner-cr") << u"line"_s << "a\rb"_ba << true;
    // "ab\r" + LF is the line "ab": the CR is taken for the line ending's.
    QTest::newRow("line-trailing-cr") << u"line"_s << "ab\r"_ba << false;
    QTest::newRow("delimiter") << u"delimiter:7e"_s << "ab"_ba << true;
    QTest::newRow("delimiter-empty") << u"delimiter:7e"_s << QByteArray() << true;
    QTest::newRow("delimiter-two") << u"delimiter:7e"_s << "a~b"_ba << false;
    QTest::newRow("crlf-trailing-cr") << u"delimiter:0d0a"_s << "a\r"_ba << true;
    QTest::newRow("crlf-holds-it") << u"delimiter:0d0a"_s << "a\r\nb"_ba << false;
    // "xab" + "aba" is "xababa": the first "aba" ends the message "x".
    QTest::newRow("delimiter-overlap") << u"delimiter:616261"_s << "xab"_ba << false;
    QTest::newRow("fixed") << u"fixed:4"_s << "abcd"_ba << true;
    QTest::newRow("fixed-short") << u"fixed:4"_s << "abc"_ba << false;
    QTest::newRow("fixed-two") << u"fixed:2"_s << "abcd"_ba << false;
    QTest::newRow("length") << u"length:2"_s << bytes("000161") << true;
    QTest::newRow("length-header-only") << u"length:2"_s << bytes("0000") << true;
    QTest::newRow("length-cut") << u"length:2"_s << bytes("000261") << false;
    QTest::newRow("length-and-more") << u"length:2"_s << bytes("00016162") << false;
    QTest::newRow("length-short-header") << u"length:2"_s << bytes("00") << false;
    QTest::newRow("length-bad") << u"length:2,adjust=-3"_s << bytes("0002") << false;
    QTest::newRow("modbus-tcp") << u"length:2,offset=4"_s << modbusRequest << true;
    QTest::newRow("modbus-tcp-two") << u"length:2,offset=4"_s << modbusRequest + modbusReply << false;
    QTest::newRow("idle") << u"idle:50"_s << "x"_ba << true;
    QTest::newRow("idle-empty") << u"idle:50"_s << QByteArray() << false;
}

void tst_Framer::carriesWhatAFramerYieldsAsOne()
{
    QFETCH(QString, spec);
    QFETCH(QByteArray, message);
    QFETCH(bool, one);

    // The expectation, checked against a framer: the message and its suffix, in one read.
    const Framing framing = framingOf(spec);
    Framer framer(framing, 1024);
    const auto result = frameInChunks(framer, message + framing.suffix(), qMax<qsizetype>(1, message.size() + framing.suffix().size()));
    const bool framerSaysOne = framing.kind == Framing::Kind::Idle
            ? result.messages.isEmpty() && !result.partial.isEmpty() && result.partial == message
            : result.status == FrameStatus::Ok && result.messages == QList<QByteArray> { message } && result.partial.isEmpty();
    QCOMPARE(framerSaysOne, one);

    // Deliberately not the framer's verdict: in line framing a message ending in CR is carried,
    // as a local client's "ab\r" (sent as "ab\r\r\n") is relayed; its receivers see "ab".
    const bool carried = framing.kind == Framing::Kind::Line && message.endsWith('\r') ? !framerSaysOne : framerSaysOne;
    QCOMPARE(framing.carries(message), carried);
}

void tst_Framer::fieldValueReadsTheHeader()
{
    QCOMPARE(framingOf(u"length:2,offset=4"_s).fieldValue(modbusRequest), 6u);
    QCOMPARE(framingOf(u"length:2,offset=4"_s).fieldValue(modbusReply), 5u);
    QCOMPARE(framingOf(u"length:1"_s).fieldValue(bytes("fe00")), 0xfeu);
    QCOMPARE(framingOf(u"length:2"_s).fieldValue(bytes("1234")), 0x1234u);
    QCOMPARE(framingOf(u"length:2,le"_s).fieldValue(bytes("1234")), 0x3412u);
    QCOMPARE(framingOf(u"length:4"_s).fieldValue(bytes("fffffffe")), 0xfffffffeu);
    QCOMPARE(framingOf(u"length:4,le,offset=1"_s).fieldValue(bytes("ff01020304")), 0x04030201u);
}

void tst_Framer::describedLengthExampleIsOneFrame_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<bool>("hasExample");   // false: no frame with a two-byte body exists

    QTest::newRow("length2") << u"length:2"_s << true;
    QTest::newRow("length4-le-counts-itself") << u"length:4,le,adjust=-4"_s << true;
    QTest::newRow("length2-adjust-plus") << u"length:2,adjust=2"_s << true;
    QTest::newRow("length1-adjust-plus-2") << u"length:1,adjust=2"_s << true;
    QTest::newRow("modbus-tcp") << u"length:2,offset=4"_s << true;
    QTest::newRow("length1-adjust-plus-3") << u"length:1,adjust=3"_s << false;
    // The field's value would be 302, more than one byte holds: every frame is BadLength.
    QTest::newRow("length1-adjust-minus-300") << u"length:1,adjust=-300"_s << false;
}

void tst_Framer::describedLengthExampleIsOneFrame()
{
    QFETCH(QString, spec);
    QFETCH(bool, hasExample);

    // The one-line example the windows show under the Framing setting: "...: 00 02 aa bb is one frame".
    const Framing framing = framingOf(spec);
    const QString text = framing.describe();
    // (Cut by hand: QRegularExpression's JIT reads past the string's end, which memcheck reports.)
    const QString tail = u" is one frame"_s;
    QVERIFY2(text.endsWith(tail), qPrintable(text));
    const QString shown = text.mid(text.lastIndexOf(u": "_s) + 2).chopped(tail.size());
    bool isHex = !shown.isEmpty();
    for (const QChar c : shown)
        isHex = isHex && (c == u' ' || (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f'));
    QCOMPARE(isHex, hasExample);
    if (!hasExample)
        return;
    const QByteArray example = QByteArray::fromHex(shown.toLatin1());
    Framer framer(framing, 1024);
    const auto result = frameInChunks(framer, example, example.size());
    QCOMPARE(result.status, FrameStatus::Ok);
    QCOMPARE(result.messages, QList<QByteArray> { example });
    QVERIFY2(example.endsWith("\xaa\xbb"), qPrintable(text));
}

// ---- Framing::checkLimit --------------------------------------------------

void tst_Framer::checkLimit_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<qsizetype>("maxMessageBytes");
    QTest::addColumn<bool>("refused");

    QTest::newRow("line") << u"line"_s << qsizetype(1) << false;
    QTest::newRow("delimiter") << u"delimiter:000102030405060708090a0b0c0d0e0f"_s << qsizetype(1) << false;
    QTest::newRow("idle") << u"idle:50"_s << qsizetype(1) << false;
    QTest::newRow("fixed-at-limit") << u"fixed:8"_s << qsizetype(8) << false;
    QTest::newRow("fixed-over-limit") << u"fixed:8"_s << qsizetype(7) << true;
    QTest::newRow("length-header-at-limit") << u"length:2,offset=4"_s << qsizetype(6) << false;
    QTest::newRow("length-header-over-limit") << u"length:2,offset=4"_s << qsizetype(5) << true;
    QTest::newRow("length4-over-limit") << u"length:4"_s << qsizetype(3) << true;
    QTest::newRow("length-offset-far") << u"length:4,offset=65535"_s << qsizetype(65536) << true;
}

void tst_Framer::checkLimit()
{
    QFETCH(QString, spec);
    QFETCH(qsizetype, maxMessageBytes);
    QFETCH(bool, refused);

    QCOMPARE(!framingOf(spec).checkLimit(maxMessageBytes).isEmpty(), refused);
}

QTEST_APPLESS_MAIN(tst_Framer)
#include "tst_framer.moc"
