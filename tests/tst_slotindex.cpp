// SPDX-License-Identifier: MIT
#include "core/slotindex.h"

#include <QRandomGenerator>
#include <QTest>

#include <unordered_map>
#include <vector>

// SlotIndex against std::unordered_map: the same random inserts and removals,
// then every live id must be found at its slot and every removed one not at all.
class tst_SlotIndex : public QObject
{
    Q_OBJECT

private slots:
    void emptyFindsNothing();
    void matchesAReferenceUnderChurn_data();
    void matchesAReferenceUnderChurn();
    void shrinksAfterAPeak();
};

void tst_SlotIndex::emptyFindsNothing()
{
    SlotIndex index;
    QCOMPARE(index.find(1, [](quint32) { return quint64(0); }), SlotIndex::NoSlot);
    QCOMPARE(index.size(), 0);
}

void tst_SlotIndex::matchesAReferenceUnderChurn_data()
{
    QTest::addColumn<bool>("sequentialIds");
    QTest::addColumn<int>("live");
    // Sequential ids are what the engine makes; random ones collide far more often,
    // which is where a wrong backward shift loses entries.
    QTest::newRow("sequential, small") << true << 40;
    QTest::newRow("sequential, large") << true << 5000;
    QTest::newRow("random, small") << false << 40;
    QTest::newRow("random, large") << false << 5000;
}

void tst_SlotIndex::matchesAReferenceUnderChurn()
{
    QFETCH(bool, sequentialIds);
    QFETCH(int, live);

    QRandomGenerator random(20261127);
    std::vector<quint64> idOfSlot;          // the "table": a slot's id, 0 when free
    std::vector<quint32> freeSlots;
    std::unordered_map<quint64, quint32> reference;
    const auto idOf = [&](quint32 slot) { return idOfSlot.at(slot); };
    SlotIndex index;
    quint64 nextId = 1;

    const auto add = [&] {
        quint64 id = sequentialIds ? nextId++ : random.generate64() | 1;
        while (reference.count(id))
            id = random.generate64() | 1;
        quint32 slot;
        if (freeSlots.empty()) {
            slot = quint32(idOfSlot.size());
            idOfSlot.push_back(0);
        } else {
            slot = freeSlots.back();
            freeSlots.pop_back();
        }
        idOfSlot[slot] = id;
        index.insert(slot, idOf);
        reference.emplace(id, slot);
    };
    const auto removeOne = [&] {
        auto it = reference.begin();
        std::advance(it, random.bounded(int(reference.size())));
        index.remove(it->first, it->second, idOf);
        idOfSlot[it->second] = 0;
        freeSlots.push_back(it->second);
        reference.erase(it);
    };

    std::vector<quint64> removed;
    for (int round = 0; round < 20; ++round) {
        while (int(reference.size()) < live)
            add();
        // Leave between a quarter and all of them, noting some ids that are gone.
        const int leaving = live / 4 + random.bounded(live * 3 / 4 + 1);
        for (int i = 0; i < leaving; ++i) {
            if (i % 7 == 0 && !reference.empty())
                removed.push_back(std::next(reference.begin(), random.bounded(int(reference.size())))->first);
            if (!removed.empty() && reference.count(removed.back())) {
                const quint64 id = removed.back();
                const quint32 slot = reference.at(id);
                index.remove(id, slot, idOf);
                idOfSlot[slot] = 0;
                freeSlots.push_back(slot);
                reference.erase(id);
            } else if (!reference.empty()) {
                removeOne();
            }
        }
        QCOMPARE(index.size(), qsizetype(reference.size()));
        for (const auto &[id, slot] : reference)
            QCOMPARE(index.find(id, idOf), slot);
        for (quint64 id : removed) {
            if (!reference.count(id))
                QCOMPARE(index.find(id, idOf), SlotIndex::NoSlot);
        }
        QVERIFY(index.capacity() * 3 >= index.size() * 4);
    }
}

// After a peak the index follows the count down, and what is left is still found.
void tst_SlotIndex::shrinksAfterAPeak()
{
    std::vector<quint64> idOfSlot;
    const auto idOf = [&](quint32 slot) { return idOfSlot.at(slot); };
    SlotIndex index;
    for (quint32 slot = 0; slot < 20000; ++slot) {
        idOfSlot.push_back(slot + 1);
        index.insert(slot, idOf);
    }
    const qsizetype peak = index.capacity();
    QVERIFY(peak >= 20000 * 4 / 3);
    for (quint32 slot = 10; slot < 20000; ++slot)
        index.remove(slot + 1, slot, idOf);
    QCOMPARE(index.size(), 10);
    QVERIFY2(index.capacity() <= 64, QByteArray::number(index.capacity()).constData());
    for (quint32 slot = 0; slot < 10; ++slot)
        QCOMPARE(index.find(slot + 1, idOf), slot);
    QCOMPARE(index.find(20000, idOf), SlotIndex::NoSlot);
}

QTEST_GUILESS_MAIN(tst_SlotIndex)
#include "tst_slotindex.moc"
