// SPDX-License-Identifier: MIT
#include "core/addresses.h"
#include "core/displaytext.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;

class tst_DisplayText : public QObject
{
    Q_OBJECT

private slots:
    void escaped_data();
    void escaped();
    void hex();
    void peerText_data();
    void peerText();
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

void tst_DisplayText::peerText_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("expected");
    QTest::newRow("loopback") << u"127.0.0.1"_s << 8007 << u"127.0.0.1:8007"_s;
    QTest::newRow("lowest") << u"0.0.0.0"_s << 1 << u"0.0.0.0:1"_s;
    QTest::newRow("highest") << u"255.255.255.255"_s << 65535 << u"255.255.255.255:65535"_s;
    QTest::newRow("no port") << u"10.20.3.4"_s << 0 << u"10.20.3.4"_s;
    QTest::newRow("IPv6") << u"::1"_s << 5 << u"[::1]:5"_s;
    QTest::newRow("IPv6, no port") << u"fe80::1"_s << 0 << u"[fe80::1]"_s;
    QTest::newRow("IPv4-mapped stays IPv6") << u"::ffff:1.2.3.4"_s << 9 << u"[::ffff:1.2.3.4]:9"_s;
}

void tst_DisplayText::peerText()
{
    QFETCH(QString, address);
    QFETCH(int, port);
    QFETCH(QString, expected);
    QCOMPARE(Addresses::peerText(QHostAddress(address), quint16(port)), expected);
    // The same text as the general form, which the bridge and the windows use for names.
    QCOMPARE(Addresses::hostPortText(QHostAddress(address).toString(), quint16(port)), expected);
}

QTEST_APPLESS_MAIN(tst_DisplayText)
#include "tst_displaytext.moc"
