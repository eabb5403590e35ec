// SPDX-License-Identifier: MIT
#pragma once

#include <deque>

#include <QWidget>

class QPainter;

/**
 * A small live graph of the last minute, one sample a second, in three
 * panels: clients, messages/s and bytes/s (in blue, out green). Painted
 * with QPainter; no chart library.
 */
class TrafficGraph : public QWidget
{
    Q_OBJECT

public:
    struct Sample {
        int clients = 0;
        double messagesIn = 0;
        double messagesOut = 0;
        double bytesIn = 0;
        double bytesOut = 0;
    };

    static constexpr int HistorySize = 60;

    explicit TrafficGraph(QWidget *parent = nullptr);

    /** Panels one above the other (for a narrow column) instead of side by side. */
    bool isStacked() const { return m_stacked; }
    void setStacked(bool stacked);

    void addSample(const Sample &sample);
    void clear();
    const std::deque<Sample> &samples() const { return m_samples; }
    Sample latest() const { return m_samples.empty() ? Sample() : m_samples.back(); }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    struct Panel;   // one of the three: title, current values, series
    void paintPanelHead(QPainter &p, const QRect &box, const Panel &panel) const;
    void paintPanelPlot(QPainter &p, const QRect &box, const Panel &panel) const;
    void updateToolTip();

    std::deque<Sample> m_samples;
    bool m_stacked = false;
};
