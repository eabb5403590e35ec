// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QWidget>

#include "core/framing.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

/**
 * A window's Framing setting: the kind (line, delimiter, fixed size, length
 * field, idle gap) and only the fields of that kind, checked as they are
 * typed, with a line that says what a frame is (Framing::describe()).
 *
 * What the controls say is checked at every keystroke; what is wrong (a
 * delimiter that is not hex, a frame longer than the longest message) is said
 * in the widget and the framing is not taken. A change is told by
 * framingChanged() when it is finished: a choice in a combo box, a number
 * entered, the delimiter's Enter or focus out; only when it is valid and
 * differs from the framing last told.
 */
class FramingEdit : public QWidget
{
    Q_OBJECT

public:
    explicit FramingEdit(QWidget *parent = nullptr);

    /** The framing the controls say if isValid(), else the last valid one. */
    Framing framing() const { return m_framing; }
    /** Shows @p framing in the controls; does not emit framingChanged(). */
    void setFraming(const Framing &framing);
    /** The controls say a framing, and it fits the longest message. */
    bool isValid() const { return m_problem.isEmpty(); }
    /** Why the controls' framing is not taken, translated; empty if it is valid. */
    QString problem() const { return m_problem; }

    /**
     * The longest message of the server or client the framing is for: a fixed
     * size or a length header longer than it is a problem. Checks again; does
     * not emit framingChanged().
     */
    void setMaxMessageBytes(qsizetype bytes);

    /** The kind combo box, for a label's buddy. */
    QComboBox *kindCombo() const { return m_kindCombo; }
    /** The controls in tab order (hidden ones included: Qt skips them). */
    QList<QWidget *> focusChain() const;

signals:
    /** A finished, valid change: the framing the controls now say. */
    void framingChanged(const Framing &framing);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    /** Keeps the example label as tall as its wrapped text at its width. */
    void fitExample();
    void buildControls();
    void layOut();
    void connectControls();
    /** Shows the current kind's fields only. */
    void showKindFields();
    /** Reads the controls: sets m_problem, m_framing if valid, and the example or the problem line. */
    void check();
    /** check(), then framingChanged() if the framing is valid and new. */
    void commit();
    Framing::Kind currentKind() const;

    Framing m_framing;
    Framing m_told;
    QString m_problem;
    qsizetype m_maxMessageBytes = -1;   // no limit known

    QComboBox *m_kindCombo = nullptr;
    QWidget *m_delimiterFields = nullptr;
    QLineEdit *m_delimiterEdit = nullptr;
    QWidget *m_fixedFields = nullptr;
    QSpinBox *m_fixedSpin = nullptr;
    QWidget *m_lengthFields = nullptr;
    QComboBox *m_lengthSizeCombo = nullptr;
    QComboBox *m_byteOrderCombo = nullptr;
    QSpinBox *m_offsetSpin = nullptr;
    QSpinBox *m_adjustSpin = nullptr;
    QWidget *m_idleFields = nullptr;
    QSpinBox *m_idleSpin = nullptr;
    QLabel *m_exampleLabel = nullptr;
};
