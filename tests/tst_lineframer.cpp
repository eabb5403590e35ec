// SPDX-License-Identifier: MIT
#include "core/lineframer.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;

class tst_LineFramer : public QObject
{
    Q_OBJECT

private slots:
    void everyChunkSize_data();
    void everyChunkSize();
    void overlong_data();
    void overlong();
    void carriageReturnDoesNotCountTowardTheLimit();
    void partialLineIsKeptUntilTaken();
    void callbackCanStopFraming();
    void clearForgetsThePartialLine();

private:
    struct Result {
        QList<QByteArray> messages;
        QByteArray partial;
        bool overlong = false;
    };
    static Result frameInChunks(const QByteArray &input, qsizetype chunk, qsizetype maxLength);
};

static LineFramer::Status feedAll(LineFramer &framer, QByteArrayView data, QList<QByteArray> &out)
{
    return framer.feed(data, [&out](QByteArrayView message) {
        out.append(message.toByteArray());
        return true;
    });
}

tst_LineFramer::Result tst_LineFramer::frameInChunks(const QByteArray &input, qsizetype chunk, qsizetype maxLength)
{
    Result result;
    LineFramer framer(maxLength);
    for (qsizetype at = 0; at < input.size(); at += chunk) {
        if (feedAll(framer, QByteArrayView(input).sliced(at, qMin(chunk, input.size() - at)), result.messages) == LineFramer::Status::Overlong) {
            result.overlong = true;
            return result;
        }
    }
    result.partial = framer.takePartial();
    return result;
}

void tst_LineFramer::everyChunkSize_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QList<QByteArray>>("expected");
    QTest::addColumn<QByteArray>("partial");
    QTest::addColumn<int>("chunk");

    struct Case {
        const char *name;
        QByteArray input;
        QList<QByteArray> expected;
        QByteArray partial;
    };
    const QList<Case> cases = {
        { "lf", "one\ntwo\nthree\n"_ba, { "one"_ba, "two"_ba, "three"_ba }, {} },
        { "crlf", "one\r\ntwo\r\n"_ba, { "one"_ba, "two"_ba }, {} },
        { "mixed-endings", "a\r\nb\nc\r\n"_ba, { "a"_ba, "b"_ba, "c"_ba }, {} },
        { "empty-lines", "\n\r\n\n"_ba, { QByteArray(), QByteArray(), QByteArray() }, {} },
        { "lone-cr-is-data", "a\rb\n\r\r\n"_ba, { "a\rb"_ba, "\r"_ba }, {} },
        { "binary", QByteArray("\x00\xff\xfe\n\x80z\n", 7), { QByteArray("\x00\xff\xfe", 3), "\x80z"_ba }, {} },
        { "utf8", "欢迎来到Spread Site\n你好\n"_ba, { "欢迎来到Spread Site"_ba, "你好"_ba }, {} },
        { "trailing-partial", "hello\nhello, I'm echo_client.py"_ba, { "hello"_ba }, "hello, I'm echo_client.py"_ba },
        { "partial-cr", "x\r"_ba, {}, "x"_ba },
        { "no-ending-at-all", "close"_ba, {}, "close"_ba },
    };
    for (const Case &c : cases) {
        // Every chunk size from one byte to the whole input, as the seed's Protocol docstring asks.
        for (int chunk = 1; chunk <= c.input.size(); ++chunk)
            QTest::addRow("%s-%d", c.name, chunk) << c.input << c.expected << c.partial << chunk;
    }
}

void tst_LineFramer::everyChunkSize()
{
    QFETCH(QByteArray, input);
    QFETCH(QList<QByteArray>, expected);
    QFETCH(QByteArray, partial);
    QFETCH(int, chunk);

    const Result result = frameInChunks(input, chunk, 1024);
    QVERIFY(!result.overlong);
    QCOMPARE(result.messages, expected);
    QCOMPARE(result.partial, partial);
}

void tst_LineFramer::overlong_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("overlong");
    QTest::addColumn<int>("chunk");

    struct Case {
        const char *name;
        QByteArray input;
        bool overlong;
    };
    // The limit is 5 bytes of message.
    const QList<Case> cases = {
        { "at-limit", "12345\n"_ba, false },
        { "over-limit", "123456\n"_ba, true },
        { "over-limit-after-good-line", "ok\n1234567890\n"_ba, true },
        { "unterminated-over-limit", "1234567"_ba, true },
    };
    for (const Case &c : cases) {
        for (int chunk = 1; chunk <= c.input.size(); ++chunk)
            QTest::addRow("%s-%d", c.name, chunk) << c.input << c.overlong << chunk;
    }
}

void tst_LineFramer::overlong()
{
    QFETCH(QByteArray, input);
    QFETCH(bool, overlong);
    QFETCH(int, chunk);

    const Result result = frameInChunks(input, chunk, 5);
    QCOMPARE(result.overlong, overlong);
}

void tst_LineFramer::carriageReturnDoesNotCountTowardTheLimit()
{
    for (int chunk = 1; chunk <= 7; ++chunk) {
        const Result result = frameInChunks("12345\r\n"_ba, chunk, 5);
        QVERIFY2(!result.overlong, qPrintable(u"chunk %1"_s.arg(chunk)));
        QCOMPARE(result.messages, QList<QByteArray> { "12345"_ba });
    }
}

void tst_LineFramer::partialLineIsKeptUntilTaken()
{
    LineFramer framer;
    QList<QByteArray> out;
    QCOMPARE(feedAll(framer, "hel", out), LineFramer::Status::Ok);
    QVERIFY(out.isEmpty());
    QVERIFY(framer.hasPartial());
    QCOMPARE(framer.partialSize(), 3);
    QCOMPARE(feedAll(framer, "lo\nwor", out), LineFramer::Status::Ok);
    QCOMPARE(out, QList<QByteArray> { "hello"_ba });
    QCOMPARE(framer.takePartial(), "wor"_ba);
    QVERIFY(!framer.hasPartial());
    QCOMPARE(feedAll(framer, "ld\n", out), LineFramer::Status::Ok);
    QCOMPARE(out.last(), "ld"_ba);   // the taken part was a message of its own
}

void tst_LineFramer::callbackCanStopFraming()
{
    LineFramer framer;
    QList<QByteArray> out;
    const auto status = framer.feed("a\nclose\nb\nc", [&out](QByteArrayView message) {
        out.append(message.toByteArray());
        return message != "close";
    });
    QCOMPARE(status, LineFramer::Status::Stopped);
    QCOMPARE(out, (QList<QByteArray> { "a"_ba, "close"_ba }));
}

void tst_LineFramer::clearForgetsThePartialLine()
{
    LineFramer framer;
    QList<QByteArray> out;
    feedAll(framer, "abc", out);
    framer.clear();
    QVERIFY(!framer.hasPartial());
    feedAll(framer, "\n", out);
    QCOMPARE(out, QList<QByteArray> { QByteArray() });
}

QTEST_APPLESS_MAIN(tst_LineFramer)
#include "tst_lineframer.moc"
