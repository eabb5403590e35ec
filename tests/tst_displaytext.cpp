// SPDX-License-Identifier: MIT
#include "core/displaytext.h"
#include "log/logevent.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

class tst_DisplayText : public QObject
{
    Q_OBJECT

private slots:
    void escaped_data();
    void escaped();
    void hex();
    void textLogLine();
    void jsonLogLineKeepsBinaryLosslessly();
    void jsonLogLineOfPlainText();
};

void tst_DisplayText::escaped_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("plain");

    QTest::addRow("ascii") << "hello, I'm echo-client"_ba << u"hello, I'm echo-client"_s << true;
    QTest::addRow("chinese") << "欢迎来到Spread Site"_ba << u"欢迎来到Spread Site"_s << true;
    QTest::addRow("emoji") << "ok \xf0\x9f\x91\x8d"_ba << u"ok 👍"_s << true;
    QTest::addRow("tab-is-plain") << "a\tb"_ba << u"a\tb"_s << true;
    QTest::addRow("markup-stays-literal") << "<img src=x><b>"_ba << u"<img src=x><b>"_s << true;
    QTest::addRow("nul") << QByteArray("a\0b", 3) << u"a\\x00b"_s << false;
    QTest::addRow("cr-and-escape") << "\r\x1b[31m"_ba << u"\\x0d\\x1b[31m"_s << false;
    QTest::addRow("del") << "\x7f"_ba << u"\\x7f"_s << false;
    QTest::addRow("invalid-byte") << "\xff\xfe"_ba << u"\\xff\\xfe"_s << false;
    QTest::addRow("truncated-sequence") << "\xe4\xbd"_ba << u"\\xe4\\xbd"_s << false;
    QTest::addRow("overlong-slash") << "\xc0\xaf"_ba << u"\\xc0\\xaf"_s << false;
    QTest::addRow("surrogate") << "\xed\xa0\x80"_ba << u"\\xed\\xa0\\x80"_s << false;
    QTest::addRow("past-unicode") << "\xf4\x90\x80\x80"_ba << u"\\xf4\\x90\\x80\\x80"_s << false;
    QTest::addRow("valid-around-invalid") << "你\xff好"_ba << u"你\\xff好"_s << false;
}

void tst_DisplayText::escaped()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, text);
    QFETCH(bool, plain);
    QCOMPARE(DisplayText::escaped(bytes), text);
    QCOMPARE(DisplayText::isPlainText(bytes), plain);
}

void tst_DisplayText::hex()
{
    QCOMPARE(DisplayText::hex("hi\n\xff"_ba), u"68 69 0a ff"_s);
    QCOMPARE(DisplayText::hex(QByteArray()), QString());
}

void tst_DisplayText::textLogLine()
{
    LogEvent e;
    e.kind = LogEvent::Kind::Disconnected;
    e.timeMs = QDateTime(QDate(2017, 8, 14), QTime(21, 55, 1, 250)).toMSecsSinceEpoch();
    e.client = 7;
    e.peer = u"127.0.0.1:5555"_s;
    e.count = 2;
    e.text = u"client sent close"_s;
    QCOMPARE(e.toText(), u"2017-08-14 21:55:01.250 lost connect: 2 [#7 127.0.0.1:5555] (client sent close)"_s);

    e.kind = LogEvent::Kind::Received;
    e.data = "bin\x01"_ba;
    QCOMPARE(e.toText(), u"2017-08-14 21:55:01.250 [#7 127.0.0.1:5555] bin\\x01"_s);

    e.kind = LogEvent::Kind::Listening;
    e.text = u"0.0.0.0"_s;
    e.count = 8007;
    QVERIFY(e.toText().endsWith(u"listening on 0.0.0.0 port 8007"_s));
}

void tst_DisplayText::jsonLogLineKeepsBinaryLosslessly()
{
    LogEvent e;
    e.kind = LogEvent::Kind::Received;
    e.timeMs = 1'500'000'000'000;
    e.client = 3;
    e.peer = u"[::1]:4000"_s;
    e.count = 5;
    e.data = QByteArray("\x00\xff ok", 5);
    const QByteArray line = e.toJson();
    QVERIFY(!line.contains('\n'));
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(line, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(o.value(u"event"_s).toString(), u"received"_s);
    QCOMPARE(o.value(u"client"_s).toInt(), 3);
    QCOMPARE(o.value(u"peer"_s).toString(), u"[::1]:4000"_s);
    QCOMPARE(o.value(u"relayed"_s).toInt(), 5);
    QCOMPARE(o.value(u"bytes"_s).toInt(), 5);
    QCOMPARE(o.value(u"text"_s).toString(), u"\\x00\\xff ok"_s);
    QCOMPARE(QByteArray::fromBase64(o.value(u"base64"_s).toString().toLatin1()), e.data);
    QVERIFY(QDateTime::fromString(o.value(u"time"_s).toString(), Qt::ISODateWithMs).isValid());
}

void tst_DisplayText::jsonLogLineOfPlainText()
{
    LogEvent e;
    e.kind = LogEvent::Kind::Sent;
    e.count = 2;
    e.data = "欢迎"_ba;
    const QJsonObject o = QJsonDocument::fromJson(e.toJson()).object();
    QCOMPARE(o.value(u"event"_s).toString(), u"sent"_s);
    QCOMPARE(o.value(u"text"_s).toString(), u"欢迎"_s);
    QCOMPARE(o.value(u"receivers"_s).toInt(), 2);
    QVERIFY(!o.contains(u"base64"_s));
    QVERIFY(!o.contains(u"client"_s));   // to all
}

QTEST_APPLESS_MAIN(tst_DisplayText)
#include "tst_displaytext.moc"
