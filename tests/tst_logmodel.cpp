// SPDX-License-Identifier: MIT
#include <QAbstractItemModelTester>
#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include "logview/logmodel.h"
#include "logview/ringbuffer.h"

using namespace Qt::Literals::StringLiterals;

class tst_LogModel : public QObject
{
    Q_OBJECT

private slots:
    void ringBufferWrapsAndDrops();
    void modelTesterAcrossAppendsTrimsAndResets();
    void appendsArriveInOneBatch();
    void capKeepsTheNewest_data();
    void capKeepsTheNewest();
    void floodLargerThanTheCapacity();
    void dataIsPlainText_data();
    void dataIsPlainText();
    void hexView();
    void filterByTextAndClient();
    void writesTextAndJsonLines();
    void clientEvents();
    void remoteMessagesAreNoLocalClients();

private:
    static Log::Event received(quint64 client, const QByteArray &data, const QString &peer = u"127.0.0.1:5000"_s)
    {
        return { 1700000000000, Log::Received { { client, peer, {} }, data, 0 } };
    }
};

void tst_LogModel::ringBufferWrapsAndDrops()
{
    RingBuffer<int> ring(3);
    QVERIFY(ring.isEmpty());
    for (int i = 1; i <= 5; ++i)
        ring.push_back(i);
    QVERIFY(ring.isFull());
    QCOMPARE(ring.size(), 3);
    QCOMPARE(ring.at(0), 3);
    QCOMPARE(ring.at(2), 5);
    ring.dropFront(2);
    QCOMPARE(ring.size(), 1);
    QCOMPARE(ring.at(0), 5);
    ring.push_back(6);
    ring.push_back(7);
    QCOMPARE(ring.size(), 3);
    QCOMPARE(ring.at(0), 5);
    QCOMPARE(ring.at(1), 6);
    QCOMPARE(ring.at(2), 7);
    ring.push_back(8);
    QCOMPARE(ring.at(0), 6);
    QCOMPARE(ring.at(2), 8);
    // Dropping before the storage ever filled.
    RingBuffer<int> young(10);
    young.push_back(1);
    young.push_back(2);
    young.dropFront(1);
    young.push_back(3);
    QCOMPARE(young.size(), 2);
    QCOMPARE(young.at(0), 2);
    QCOMPARE(young.at(1), 3);
}

void tst_LogModel::modelTesterAcrossAppendsTrimsAndResets()
{
    LogModel model;
    LogFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setCapacity(5);
    for (int i = 0; i < 4; ++i)
        model.append(received(quint64(i % 2 + 1), "m" + QByteArray::number(i)));
    model.flush();
    QCOMPARE(model.rowCount(), 4);
    proxy.setClientFilter({ 1 });
    QCOMPARE(proxy.rowCount(), 2);
    for (int i = 4; i < 9; ++i)
        model.append(received(quint64(i % 2 + 1), "m" + QByteArray::number(i)));
    model.flush();
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(proxy.rowCount(), 3);   // m4, m6, m8
    proxy.setFilterText(u"m6"_s);
    QCOMPARE(proxy.rowCount(), 1);
    model.setHexView(true);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(proxy.rowCount(), 0);
}

void tst_LogModel::appendsArriveInOneBatch()
{
    LogModel model;
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy batches(&model, &LogModel::batchAppended);
    for (int i = 0; i < 5000; ++i)
        model.append(received(1, "line " + QByteArray::number(i)));
    QCOMPARE(model.rowCount(), 0);   // queued, not yet shown
    QCOMPARE(model.pendingCount(), 5000);
    QTRY_COMPARE(model.rowCount(), 5000);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(batches.count(), 1);
    QCOMPARE(batches.first().first().toInt(), 5000);
    QCOMPARE(model.index(4999).data(LogModel::TextRole).toString(), u"line 4999"_s);
}

void tst_LogModel::capKeepsTheNewest_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("batchSize");
    QTest::addColumn<int>("total");
    QTest::addRow("one batch") << 100 << 250 << 250;
    QTest::addRow("many batches") << 10 << 7 << 50;
    QTest::addRow("exactly full") << 20 << 20 << 20;
    QTest::addRow("single rows") << 3 << 1 << 10;
}

void tst_LogModel::capKeepsTheNewest()
{
    QFETCH(int, capacity);
    QFETCH(int, batchSize);
    QFETCH(int, total);
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setCapacity(capacity);
    for (int i = 0; i < total; ++i) {
        model.append(received(1, QByteArray::number(i)));
        if ((i + 1) % batchSize == 0)
            model.flush();
    }
    model.flush();
    const int expected = qMin(capacity, total);
    QCOMPARE(model.rowCount(), expected);
    QCOMPARE(model.index(0).data().toString(), QString::number(total - expected));
    QCOMPARE(model.index(expected - 1).data().toString(), QString::number(total - 1));
    QCOMPARE(model.droppedCount(), quint64(total - expected));
}

void tst_LogModel::floodLargerThanTheCapacity()
{
    // The default capacity, flooded with twice as much between two batches.
    LogModel model;
    QCOMPARE(model.capacity(), LogModel::DefaultCapacity);
    const int total = int(2 * LogModel::DefaultCapacity + 500);
    const QByteArray payload = "payload"_ba;
    for (int i = 0; i < total; ++i)
        model.append(received(quint64(i), payload));
    QVERIFY(model.pendingCount() <= 2 * model.capacity());
    QTRY_COMPARE(model.rowCount(), int(LogModel::DefaultCapacity));
    QCOMPARE(model.index(model.rowCount() - 1).data(LogModel::ClientRole).toULongLong(), quint64(total - 1));
    QCOMPARE(model.droppedCount(), quint64(total) - quint64(LogModel::DefaultCapacity));
}

void tst_LogModel::dataIsPlainText_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("shown");
    QTest::addRow("bold") << "<b>x</b>"_ba << u"<b>x</b>"_s;
    QTest::addRow("image") << "<img src=x>"_ba << u"<img src=x>"_s;
    QTest::addRow("entity") << "&amp; &lt;"_ba << u"&amp; &lt;"_s;
    QTest::addRow("binary") << "\x01\xff ok"_ba << u"\\x01\\xff ok"_s;
    QTest::addRow("chinese") << "你好"_ba << u"你好"_s;
}

void tst_LogModel::dataIsPlainText()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, shown);
    LogModel model;
    model.append(received(7, bytes, u"<i>peer</i>"_s));
    model.flush();
    const QModelIndex index = model.index(0);
    QCOMPARE(index.data().toString(), shown);
    QCOMPARE(index.data(LogModel::BytesRole).toByteArray(), bytes);
    // The tooltip is rich text built by us, with every piece escaped.
    const QString tip = index.data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(shown.toHtmlEscaped()), qPrintable(tip));
    QVERIFY(!tip.contains(u"<i>peer"_s));
    QVERIFY(!tip.contains(u"<img"_s));
}

void tst_LogModel::hexView()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.append(received(1, "hi\n"_ba));
    model.append({ 1, Log::Connected { { 1, u"127.0.0.1:1"_s, {} }, 1 } });
    model.flush();
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setHexView(true);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.index(0).data().toString(), u"68 69 0a"_s);
    QVERIFY(model.index(1).data().toString().contains(u"connected"_s));   // events stay words
    model.setHexView(false);
    QCOMPARE(model.index(0).data().toString(), u"hi\\x0a"_s);
}

void tst_LogModel::filterByTextAndClient()
{
    LogModel model;
    LogFilterProxy proxy;
    proxy.setSourceModel(&model);
    model.append(received(1, "apple pie"_ba, u"10.0.0.1:1"_s));
    model.append(received(2, "banana"_ba, u"10.0.0.2:2"_s));
    model.append(received(1, "APPLE juice"_ba, u"10.0.0.1:1"_s));
    model.flush();
    QCOMPARE(proxy.rowCount(), 3);
    proxy.setFilterText(u"apple"_s);
    QCOMPARE(proxy.rowCount(), 2);   // case does not matter
    proxy.setFilterText(u"10.0.0.2"_s);
    QCOMPARE(proxy.rowCount(), 1);   // the address matches too
    QCOMPARE(proxy.index(0, 0).data().toString(), u"banana"_s);
    proxy.setFilterText(QString());
    proxy.setClientFilter({ 1 });
    QCOMPARE(proxy.rowCount(), 2);
    proxy.setFilterText(u"juice"_s);
    QCOMPARE(proxy.rowCount(), 1);
    // New rows are filtered as they arrive.
    model.append(received(1, "more juice"_ba));
    model.append(received(2, "juice from 2"_ba));
    model.flush();
    QCOMPARE(proxy.rowCount(), 2);
}

void tst_LogModel::writesTextAndJsonLines()
{
    LogModel model;
    model.append(received(3, "hello"_ba));
    model.append(received(3, "\x00\xfe"_ba));
    model.flush();

    QBuffer text;
    text.open(QIODevice::WriteOnly);
    QVERIFY(model.write(&text, Log::Format::Text, {}, nullptr));
    const QList<QByteArray> lines = text.data().split('\n');
    QCOMPARE(lines.size(), 3);   // two lines and the empty rest
    QVERIFY(lines.at(0).endsWith("[#3 127.0.0.1:5000] hello"));
    QVERIFY(lines.at(1).endsWith("\\x00\\xfe"));

    QBuffer json;
    json.open(QIODevice::WriteOnly);
    QVERIFY(model.write(&json, Log::Format::JsonLines, { 1 }, nullptr));
    const QJsonObject o = QJsonDocument::fromJson(json.data().trimmed()).object();
    QCOMPARE(o.value(u"event"_s).toString(), u"received"_s);
    QCOMPARE(o.value(u"client"_s).toInt(), 3);
    QCOMPARE(QByteArray::fromBase64(o.value(u"base64"_s).toString().toLatin1()), "\x00\xfe"_ba);
}

void tst_LogModel::clientEvents()
{
    LogModel model;
    model.append({ 1, Log::ConnectedToServer { u"127.0.0.1"_s, 8007 } });
    model.append({ 2, Log::FromServer { "pong"_ba } });
    model.append({ 3, Log::ToServer { "ping"_ba, true } });
    model.append({ 4, Log::ConnectionLost { u"closed by peer"_s } });
    model.flush();
    QCOMPARE(model.index(0).data().toString(), u"Connected..."_s);
    QCOMPARE(model.index(0).data(LogModel::DirectionRole).toInt(), int(LogModel::Direction::Event));
    QCOMPARE(model.index(0).data(LogModel::ProblemRole).toBool(), false);   // an info line is not a warning
    QCOMPARE(model.index(3).data(LogModel::ProblemRole).toBool(), true);
    QCOMPARE(model.index(1).data(LogModel::DirectionRole).toInt(), int(LogModel::Direction::In));
    QCOMPARE(model.index(2).data(LogModel::DirectionRole).toInt(), int(LogModel::Direction::Out));
    QCOMPARE(model.index(1).data(LogModel::WhoRole).toString(), u"server"_s);
    QCOMPARE(model.index(2).data(LogModel::WhoRole).toString(), u"you (periodic)"_s);
    // Saved as the console client prints it, with the time in front.
    QVERIFY(model.index(2).data(LogModel::LineRole).toString().endsWith(u" sent: ping"_s));
    QBuffer json;
    json.open(QIODevice::WriteOnly);
    QVERIFY(model.write(&json, Log::Format::JsonLines, { 2, 3 }, nullptr));
    const QList<QByteArray> lines = json.data().trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    const QJsonObject sent = QJsonDocument::fromJson(lines.at(0)).object();
    QCOMPARE(sent.value(u"event"_s).toString(), u"sent"_s);
    QCOMPARE(sent.value(u"periodic"_s).toBool(), true);
    QVERIFY(!sent.contains(u"receivers"_s));
    const QJsonObject lost = QJsonDocument::fromJson(lines.at(1)).object();
    QCOMPARE(lost.value(u"event"_s).toString(), u"connection-lost"_s);
    QCOMPARE(lost.value(u"reason"_s).toString(), u"closed by peer"_s);
}

void tst_LogModel::remoteMessagesAreNoLocalClients()
{
    LogModel model;
    LogFilterProxy proxy;
    proxy.setSourceModel(&model);
    model.append(received(3, "local"_ba));
    model.append({ 2, Log::Received { { 3, {}, u"gateway-2"_s }, "remote"_ba, 1 } });
    model.flush();
    QCOMPARE(model.index(1).data(LogModel::WhoRole).toString(), u"gateway-2 #3 → 1"_s);
    QCOMPARE(model.index(1).data(LogModel::OriginRole).toString(), u"gateway-2"_s);
    QCOMPARE(model.index(1).data(LogModel::ClientRole).toULongLong(), quint64(0));
    QCOMPARE(model.index(1).data(LogModel::KindRole).toString(), u"remote"_s);
    proxy.setClientFilter({ 3 });   // our client #3, not gateway-2's
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, 0).data().toString(), u"local"_s);
}

QTEST_MAIN(tst_LogModel)
#include "tst_logmodel.moc"
