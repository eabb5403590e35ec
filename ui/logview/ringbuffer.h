// SPDX-License-Identifier: MIT
#pragma once

#include <utility>
#include <vector>

#include <QtGlobal>

/**
 * A bounded FIFO: push_back() past capacity() overwrites the oldest entry.
 * Index 0 is the oldest. Storage grows on demand up to the capacity, so an
 * idle log of 100,000 entries costs nothing until it fills.
 */
template <typename T>
class RingBuffer
{
public:
    explicit RingBuffer(qsizetype capacity) : m_capacity(qMax<qsizetype>(1, capacity)) { }

    qsizetype capacity() const { return m_capacity; }
    qsizetype size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    bool isFull() const { return m_size == m_capacity; }

    const T &at(qsizetype i) const { return m_storage[physical(i)]; }
    const T &operator[](qsizetype i) const { return at(i); }

    void push_back(T value)
    {
        if (qsizetype(m_storage.size()) < m_capacity) {
            m_storage.push_back(std::move(value));
            ++m_size;
            return;
        }
        if (m_size < m_capacity) {
            m_storage[physical(m_size)] = std::move(value);
            ++m_size;
            return;
        }
        m_storage[m_start] = std::move(value);   // full: the oldest slot becomes the newest
        m_start = (m_start + 1) % m_capacity;
    }

    /** Forgets the @p n oldest entries. */
    void dropFront(qsizetype n)
    {
        n = qBound<qsizetype>(0, n, m_size);
        for (qsizetype i = 0; i < n; ++i)
            m_storage[physical(i)] = T();   // release what the entry holds
        m_start = (m_start + n) % m_capacity;
        m_size -= n;
    }

    void clear()
    {
        m_storage.clear();
        m_start = 0;
        m_size = 0;
    }

    /** Empties the buffer and sets a new capacity. */
    void reset(qsizetype capacity)
    {
        clear();
        m_capacity = qMax<qsizetype>(1, capacity);
    }

private:
    qsizetype physical(qsizetype i) const
    {
        // Before the storage is full it is never wrapped, and m_start is 0.
        const qsizetype p = m_start + i;
        return p < m_capacity ? p : p - m_capacity;
    }

    std::vector<T> m_storage;
    qsizetype m_capacity;
    qsizetype m_start = 0;
    qsizetype m_size = 0;
};
