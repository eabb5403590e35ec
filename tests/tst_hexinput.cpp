// SPDX-License-Identifier: MIT
#include <QTest>

#include "widgets/hexinput.h"

using namespace Qt::Literals::StringLiterals;

class tst_HexInput : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
};

void tst_HexInput::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addRow("spaced") << u"48 65 6c 6C 6f"_s << true << "Hello"_ba;
    QTest::addRow("packed") << u"48656c6c6f"_s << true << "Hello"_ba;
    QTest::addRow("0x prefixes") << u"0x02 0x10 0xff"_s << true << "\x02\x10\xff"_ba;
    QTest::addRow("separators") << u"de:ad-be,ef"_s << true << "\xde\xad\xbe\xef"_ba;
    QTest::addRow("nul and newline") << u"00 0a"_s << true << QByteArray("\x00\x0a", 2);
    QTest::addRow("empty") << QString() << true << QByteArray();
    QTest::addRow("odd digits") << u"123"_s << false << QByteArray();
    QTest::addRow("split byte") << u"4 8"_s << false << QByteArray();
    QTest::addRow("not hex") << u"zz"_s << false << QByteArray();
    QTest::addRow("full-width digits") << u"４８"_s << false << QByteArray();
}

void tst_HexInput::parse()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(QByteArray, bytes);
    const auto parsed = HexInput::parse(text);
    QCOMPARE(parsed.has_value(), valid);
    if (valid)
        QCOMPARE(*parsed, bytes);
}

QTEST_APPLESS_MAIN(tst_HexInput)
#include "tst_hexinput.moc"
