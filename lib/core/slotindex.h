// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

#include <algorithm>
#include <bit>
#include <utility>
#include <vector>

/**
 * An index from 64-bit ids to 32-bit slots of a table kept elsewhere: open
 * addressing with linear probing, 4 bytes an entry, at most 3/4 full.
 *
 * It stores slots only; the id of a slot is asked of the caller (idOf, a
 * callable quint64(quint32)), which is how the session engine keeps its index
 * at a few bytes per session. Removal shifts later entries of the probe run
 * back, so there are no tombstones and lookups never slow down with churn.
 * It shrinks when an eighth full, so memory follows the count after a peak.
 */
class SlotIndex
{
public:
    static constexpr quint32 NoSlot = 0xffffffffu;

    qsizetype size() const { return m_count; }
    qsizetype capacity() const { return qsizetype(m_entries.size()); }

    template <typename IdOf>
    quint32 find(quint64 id, IdOf &&idOf) const
    {
        if (m_count == 0)
            return NoSlot;
        for (quint32 i = home(id);; i = next(i)) {
            const quint32 slot = m_entries[i];
            if (slot == NoSlot || idOf(slot) == id)
                return slot;
        }
    }

    /** Adds @p slot, whose id must not be in the index yet. */
    template <typename IdOf>
    void insert(quint32 slot, IdOf &&idOf)
    {
        if ((m_count + 1) * 4 > capacity() * 3)
            rehash(std::max<qsizetype>(16, capacity() * 2), idOf);
        place(slot, idOf(slot));
        ++m_count;
    }

    /** Removes @p slot, which holds @p id. */
    template <typename IdOf>
    void remove(quint64 id, quint32 slot, IdOf &&idOf)
    {
        quint32 hole = home(id);
        while (m_entries[hole] != slot) {
            Q_ASSERT(m_entries[hole] != NoSlot);
            hole = next(hole);
        }
        // An entry after the hole may move into it unless its home lies
        // cyclically in (hole, j]: then it would sit before its home.
        for (quint32 j = next(hole); m_entries[j] != NoSlot; j = next(j)) {
            const quint32 k = home(idOf(m_entries[j]));
            const bool homeInRange = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
            if (!homeInRange) {
                m_entries[hole] = m_entries[j];
                hole = j;
            }
        }
        m_entries[hole] = NoSlot;
        --m_count;
        // After a peak the table shrinks again, to at most half full.
        if (capacity() > 16 && m_count * 8 < capacity())
            rehash(capacity() / 2, idOf);
    }

private:
    quint32 home(quint64 id) const { return quint32((id * 0x9e3779b97f4a7c15ull) >> m_shift); }
    quint32 next(quint32 i) const { return (i + 1) & m_mask; }

    void place(quint32 slot, quint64 id)
    {
        quint32 i = home(id);
        while (m_entries[i] != NoSlot)
            i = next(i);
        m_entries[i] = slot;
    }

    template <typename IdOf>
    void rehash(qsizetype newCapacity, IdOf &idOf)
    {
        const std::vector<quint32> old = std::exchange(m_entries, std::vector<quint32>(size_t(newCapacity), NoSlot));
        m_mask = quint32(newCapacity - 1);
        m_shift = 64 - std::countr_zero(quint64(newCapacity));
        for (quint32 slot : old) {
            if (slot != NoSlot)
                place(slot, idOf(slot));
        }
    }

    std::vector<quint32> m_entries;
    quint32 m_mask = 0;
    int m_shift = 63;
    qsizetype m_count = 0;
};
