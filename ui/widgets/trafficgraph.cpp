// SPDX-License-Identifier: MIT
#include "widgets/trafficgraph.h"

#include <cmath>
#include <functional>

#include <QLocale>
#include <QPainter>
#include <QPainterPath>

using namespace Qt::Literals::StringLiterals;

namespace {
const QColor IN_COLOUR(0x1a, 0x73, 0xe8);
const QColor OUT_COLOUR(0x2e, 0x9d, 0x3a);
const QColor CLIENTS_COLOUR(0x8e, 0x44, 0xad);

// 1, 2, 5, 10, 20, 50, ...: a round top for the scale.
double niceCeiling(double value)
{
    if (value <= 1)
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (double step : { 1.0, 2.0, 5.0, 10.0 }) {
        if (value <= step * magnitude)
            return step * magnitude;
    }
    return 10 * magnitude;
}

// 950, 9.5k, 12k, 3.4M: short enough for a small panel, in any language.
QString shortNumber(double value)
{
    const QLocale locale;
    const auto format = [&locale](double v, const char *unit) {
        return locale.toString(v, 'f', v < 10 && v != std::floor(v) ? 1 : 0) + QLatin1String(unit);
    };
    if (value < 1000)
        return format(value, "");
    if (value < 1e6)
        return format(value / 1e3, "k");
    if (value < 1e9)
        return format(value / 1e6, "M");
    return format(value / 1e9, "G");
}
} // namespace

TrafficGraph::TrafficGraph(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    updateToolTip();
}

void TrafficGraph::addSample(const Sample &sample)
{
    m_samples.push_back(sample);
    while (m_samples.size() > HistorySize)
        m_samples.pop_front();
    updateToolTip();
    update();
}

void TrafficGraph::setStacked(bool stacked)
{
    m_stacked = stacked;
    setSizePolicy(QSizePolicy::Expanding, stacked ? QSizePolicy::Expanding : QSizePolicy::Fixed);
    updateGeometry();
    update();
}

void TrafficGraph::clear()
{
    m_samples.clear();
    updateToolTip();
    update();
}

QSize TrafficGraph::sizeHint() const
{
    const int panel = fontMetrics().height() * 4;
    return m_stacked ? QSize(300, 3 * panel + 2 * 6) : QSize(420, fontMetrics().height() * 6);
}

QSize TrafficGraph::minimumSizeHint() const
{
    const int panel = fontMetrics().height() * 3 + 8;
    return m_stacked ? QSize(200, 3 * panel + 2 * 6) : QSize(240, fontMetrics().height() * 5);
}

void TrafficGraph::updateToolTip()
{
    const Sample s = latest();
    const QLocale locale;
    setToolTip(tr("The last minute, one point a second.\nClients: %1\nMessages/s: %2 in, %3 out\nBytes/s: %4 in, %5 out")
                       .arg(s.clients)
                       .arg(locale.toString(s.messagesIn, 'f', 0), locale.toString(s.messagesOut, 'f', 0),
                            locale.toString(s.bytesIn, 'f', 0), locale.toString(s.bytesOut, 'f', 0)));
}

struct TrafficGraph::Panel {
    using Series = std::function<double(const Sample &)>;
    QString title;
    QList<std::pair<QString, QColor>> values;   // drawn right to left
    QList<std::pair<Series, QColor>> series;
};

void TrafficGraph::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const int gap = m_stacked ? 6 : 8;
    const int panelWidth = m_stacked ? width() : (width() - 2 * gap) / 3;
    const int panelHeight = m_stacked ? (height() - 2 * gap) / 3 : height();
    const Sample now = latest();

    const QList<Panel> panels {
        { tr("Clients"), { { QLocale().toString(now.clients), CLIENTS_COLOUR } },
          { { [](const Sample &s) { return double(s.clients); }, CLIENTS_COLOUR } } },
        { tr("Msgs/s"), { { u"↑"_s + shortNumber(now.messagesOut), OUT_COLOUR }, { u"↓"_s + shortNumber(now.messagesIn), IN_COLOUR } },
          { { [](const Sample &s) { return s.messagesIn; }, IN_COLOUR }, { [](const Sample &s) { return s.messagesOut; }, OUT_COLOUR } } },
        { tr("Bytes/s"), { { u"↑"_s + shortNumber(now.bytesOut), OUT_COLOUR }, { u"↓"_s + shortNumber(now.bytesIn), IN_COLOUR } },
          { { [](const Sample &s) { return s.bytesIn; }, IN_COLOUR }, { [](const Sample &s) { return s.bytesOut; }, OUT_COLOUR } } },
    };

    for (int i = 0; i < panels.size(); ++i) {
        const QRect box = m_stacked ? QRect(0, i * (panelHeight + gap), panelWidth - 1, panelHeight - 1)
                                    : QRect(i * (panelWidth + gap), 0, panelWidth, panelHeight - 1);
        p.setPen(palette().color(QPalette::Mid));
        p.setBrush(palette().color(QPalette::Base));
        p.drawRoundedRect(QRectF(box).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
        paintPanelHead(p, box, panels.at(i));
        paintPanelPlot(p, box, panels.at(i));
    }
}

void TrafficGraph::paintPanelHead(QPainter &p, const QRect &box, const Panel &panel) const
{
    const QFontMetrics fm = fontMetrics();
    const QRect head = box.adjusted(6, 2, -6, 0);
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QRect(head.left(), head.top(), head.width(), fm.height()), Qt::AlignLeft | Qt::AlignVCenter, panel.title);
    const int titleWidth = QFontMetrics(bold).horizontalAdvance(panel.title) + 6;
    int right = head.right();
    for (const auto &value : panel.values) {
        const int width = QFontMetrics(bold).horizontalAdvance(value.first);
        if (right - width < head.left() + titleWidth)
            break;   // no room: the tooltip has every number
        p.setPen(value.second);
        p.drawText(QRect(right - width, head.top(), width + 1, fm.height()), Qt::AlignRight | Qt::AlignVCenter, value.first);
        right -= width + 6;
    }
    p.setFont(font());
}

void TrafficGraph::paintPanelPlot(QPainter &p, const QRect &box, const Panel &panel) const
{
    const QPalette pal = palette();
    const QRectF plot = QRectF(box).adjusted(6, fontMetrics().height() + 6, -6, -5);
    double top = 0;
    for (const Sample &s : m_samples) {
        for (const auto &series : panel.series)
            top = qMax(top, series.first(s));
    }
    top = niceCeiling(top);
    p.setPen(QPen(pal.color(QPalette::Midlight), 1, Qt::DotLine));
    p.drawLine(plot.bottomLeft(), plot.bottomRight());
    p.drawLine(QPointF(plot.left(), plot.top()), QPointF(plot.right(), plot.top()));
    p.setPen(pal.color(QPalette::PlaceholderText));
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    p.setFont(small);
    p.drawText(plot.adjusted(2, 1, 0, 0), Qt::AlignLeft | Qt::AlignTop, shortNumber(top));
    p.setFont(font());

    if (m_samples.size() < 2)
        return;
    const double step = plot.width() / (HistorySize - 1);
    const double x0 = plot.right() - step * double(m_samples.size() - 1);
    for (const auto &series : panel.series) {
        QPainterPath path;
        for (size_t k = 0; k < m_samples.size(); ++k) {
            const QPointF point(x0 + step * double(k), plot.bottom() - plot.height() * series.first(m_samples[k]) / top);
            if (k == 0)
                path.moveTo(point);
            else
                path.lineTo(point);
        }
        p.setPen(QPen(series.second, 1.6));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
    }
}
