// SPDX-License-Identifier: MIT
#include "server/serverwindow.h"

#include "capture/capture.h"
#include "core/addresses.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QNetworkInterface>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <utility>

#include "server/clientfilterproxy.h"
#include "server/clienttablemodel.h"
#include "client/clientwindow.h"
#include "clusterpanel.h"
#include "serversettingspanel.h"
#include "server/clusterpeermodel.h"
#include "rules/rulerunner.h"
#include "rules/rulespanel.h"
#include "saved/savedmessagespanel.h"
#include "widgets/limitfield.h"
#include "uitext.h"
#include "logview/logmodel.h"
#include "logview/logpanel.h"

using namespace Qt::Literals::StringLiterals;

namespace {
constexpr int SAMPLE_INTERVAL_MS = 1000;
constexpr int STATUS_TIMEOUT_MS = 8000;
constexpr int RULES_COLUMN_WIDTH = 520;   // the Rules tab's table shows its actions, its form its fields
const QString GROUP = u"server"_s;
const QString CAPTURE_FOLDER_KEY = u"files/lastCaptureDirectory"_s;
// The command line's names for the cluster options, as ServerOptions::explicitlySet lists them.
const QString OPTION_NATS = u"nats"_s;
const QString OPTION_DOMAIN = u"domain"_s;
const QString OPTION_SERVER_ID = u"server-id"_s;
const QString OPTION_NATS_BUFFER = u"nats-buffer"_s;

/** Tab goes from each widget to the next. */
void chainTabOrder(const QList<QWidget *> &widgets)
{
    for (qsizetype i = 1; i < widgets.size(); ++i)
        QWidget::setTabOrder(widgets.at(i - 1), widgets.at(i));
}
} // namespace

ServerWindow::ServerWindow(const ServerOptions &options, QWidget *parent)
    : QMainWindow(parent)
    , m_server(new SpreadServer(this))
{
    setObjectName(u"serverWindow"_s);
    QSettings settings;
    m_log = new LogModel(this);
    m_serverLog = new ServerLog(m_server, this);
    // The rules answer on the server's own sending, so ServerLog logs what they send; their problems are the server's.
    m_ruleRunner = new RuleRunner(m_server, this);
    connect(m_ruleRunner, &RuleRunner::warning, m_serverLog, &ServerLog::warn);
    m_log->setCapacity(settings.value(u"log/capacity"_s, qint64(LogModel::DefaultCapacity)).toLongLong());
    m_clients = new ClientTableModel(m_server, this);
    // Everything the command line set, as the console server takes it; the
    // controls then override what they show.
    m_server->setSettings(options.settings);
    m_server->setTlsConfiguration(options.tls);
    m_tls = !options.tls.isNull();
    // --log-file, --log-format and --quiet: the file the console server would write, from the same events.
    m_logFile.setFormat(options.logFormat);
    m_logFile.setWritesMessages(!options.quiet);
    connect(m_serverLog, &ServerLog::logged, this, &ServerWindow::onLogged);

    buildUi();
    buildMenus();
    loadSettings(options);
    openLogFile(options.logFile);
    m_captureMaxBytes = options.captureMaxBytes;
    m_launchCaptureFile = options.captureFile;
    connectServer();
    updateListenState();
    updateCaptureState();
    updateSelectionState();
    updateClusterState();

    m_sampleTimer.setInterval(SAMPLE_INTERVAL_MS);
    connect(&m_sampleTimer, &QTimer::timeout, this, &ServerWindow::sampleTraffic);
    m_sampleTimer.start();
    m_composeEdit->setFocus();
}

ServerWindow::~ServerWindow()
{
    // No signals from the server or the bridge into a half-destroyed window;
    // and the bridge goes first, while the server it is joined to still exists.
    m_server->disconnect(this);
    // The capture is taken from the server before either goes: a tap destroyed while set is used after free.
    if (m_capture) {
        m_capture->disconnect(this);
        if (m_capture->isRunning())
            m_server->stop();   // its clients are closed with it: their FINs are in the file
        m_server->setTap(nullptr);
        m_capture->stop();
        m_capture.reset();
    }
    if (m_bridge) {
        m_bridge->disconnect(this);
        delete m_bridge;
        m_bridge = nullptr;
    }
}

// ---- The window's parts -------------------------------------------------

void ServerWindow::buildUi()
{
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->addLayout(buildListenBar(central));

    // The server's own settings and the cluster's side by side in tabs; the
    // connected clients and the servers of the cluster likewise.
    QWidget *clientsPage = buildClientsPage(central);
    QTabWidget *settingsTabs = buildTabs(central, clientsPage);

    // Left: what the server is (settings) and does (graph). Right: who is
    // connected, above what they say.
    QWidget *graphBox = buildGraphBox(central);
    auto *left = new QWidget(central);
    left->setObjectName(u"leftColumn"_s);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(settingsTabs);
    leftLayout->addWidget(graphBox, 1);

    QWidget *logBox = buildLogBox(central);
    m_rightSplitter = new QSplitter(Qt::Vertical, central);
    m_rightSplitter->setObjectName(u"rightSplitter"_s);
    m_rightSplitter->addWidget(m_peopleTabs);
    m_rightSplitter->addWidget(logBox);
    m_rightSplitter->setStretchFactor(1, 1);
    m_rightSplitter->setChildrenCollapsible(false);
    m_rightSplitter->setSizes({ 210, 450 });

    m_mainSplitter = new QSplitter(Qt::Horizontal, central);
    m_mainSplitter->setObjectName(u"mainSplitter"_s);
    m_mainSplitter->addWidget(left);
    m_mainSplitter->addWidget(m_rightSplitter);
    m_mainSplitter->setStretchFactor(1, 1);
    m_mainSplitter->setChildrenCollapsible(false);
    m_mainSplitter->setSizes({ 340, 840 });
    // The Rules tab's table and form need more width than the settings: showing it widens the column to fit.
    // The rules and the saved messages are lists: their tab takes the column's height from the graph.
    connect(settingsTabs, &QTabWidget::currentChanged, this, [this, settingsTabs, leftLayout] {
        const bool rules = settingsTabs->currentWidget()->isAncestorOf(m_rulesPanel);
        const bool list = rules || settingsTabs->currentWidget()->isAncestorOf(m_savedPanel);
        leftLayout->setStretchFactor(settingsTabs, list ? 3 : 0);
        const QList<int> sizes = m_mainSplitter->sizes();
        const int wanted = qMax(RULES_COLUMN_WIDTH, m_rulesPanel->sizeHint().width());
        if (rules && sizes.size() == 2 && sizes.at(0) < wanted)
            m_mainSplitter->setSizes({ wanted, sizes.at(0) + sizes.at(1) - wanted });
    });
    layout->addWidget(m_mainSplitter, 1);
    setCentralWidget(central);

    buildStatusBar();
    setTabOrders();
    connectControls();
    connectClusterPanels();
    resize(1180, 720);
}

QLayout *ServerWindow::buildListenBar(QWidget *central)
{
    m_bindCombo = new QComboBox(central);
    m_bindCombo->setObjectName(u"bindCombo"_s);
    m_bindCombo->setEditable(true);
    m_bindCombo->setInsertPolicy(QComboBox::NoInsert);
    m_bindCombo->setMinimumContentsLength(30);
    m_bindCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_bindCombo->setToolTip(tr("The address to listen on: \"any\" for every interface (reachable from the network), "
                               "127.0.0.1 for this machine only, or one of this machine's addresses"));
    fillBindChoices();
    m_portSpin = new QSpinBox(central);
    m_portSpin->setObjectName(u"portSpin"_s);
    LimitField::configure(m_portSpin, Limits::ServerPort, tr("The TCP port to listen on; 0 lets the system pick a free one"));
    m_startButton = new QPushButton(tr("Start"), central);
    m_startButton->setObjectName(u"startButton"_s);
    m_startButton->setToolTip(tr("Start or stop listening (F5)"));
    m_startButton->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_startButton->setAutoDefault(false);
    m_captureButton = new QPushButton(tr("Capture"), central);
    m_captureButton->setObjectName(u"captureButton"_s);
    m_captureButton->setCheckable(true);
    m_captureButton->setIcon(style()->standardIcon(QStyle::SP_DialogSaveButton));
    m_captureButton->setAutoDefault(false);
    m_listenLabel = new QLabel(central);
    m_listenLabel->setObjectName(u"listenLabel"_s);
    m_listenLabel->setTextFormat(Qt::PlainText);
    m_listenLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_listenLabel->setToolTip(tr("Where the server listens, or why it cannot"));
    m_listenLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto *bindLabel = new QLabel(tr("&Bind:"), central);
    bindLabel->setBuddy(m_bindCombo);
    auto *portLabel = new QLabel(tr("&Port:"), central);
    portLabel->setBuddy(m_portSpin);
    auto *listenBar = new QHBoxLayout;
    listenBar->addWidget(bindLabel);
    listenBar->addWidget(m_bindCombo);
    listenBar->addWidget(portLabel);
    listenBar->addWidget(m_portSpin);
    listenBar->addWidget(m_startButton);
    listenBar->addWidget(m_captureButton);
    listenBar->addSpacing(8);
    listenBar->addWidget(m_listenLabel, 1);
    return listenBar;
}

QWidget *ServerWindow::buildClientsPage(QWidget *central)
{
    auto *clientsBox = new QWidget(central);
    clientsBox->setObjectName(u"clientsBox"_s);
    m_clientProxy = new ClientFilterProxy(m_clients, this);
    m_clientFilterEdit = new QLineEdit(clientsBox);
    m_clientFilterEdit->setObjectName(u"clientFilterEdit"_s);
    m_clientFilterEdit->setPlaceholderText(tr("Find clients: #id, address, subnet (10.0.3.0/24) or text"));
    m_clientFilterEdit->setToolTip(tr("Shows only the clients that match: #12 is client 12; an address or a subnet "
                                      "such as 10.0.3.0/24 the clients from there; other text is looked for in the "
                                      "address and the last message"));
    m_clientFilterEdit->setClearButtonEnabled(true);
    m_shownLabel = new QLabel(clientsBox);
    m_shownLabel->setObjectName(u"shownLabel"_s);
    m_selectShownButton = new QPushButton(tr("Se&lect all shown"), clientsBox);
    m_selectShownButton->setObjectName(u"selectShownButton"_s);
    m_selectShownButton->setToolTip(tr("Select exactly the clients the table shows, to send to them or drop them"));
    m_selectShownButton->setAutoDefault(false);
    auto *filterRow = new QHBoxLayout;
    filterRow->addWidget(m_clientFilterEdit, 1);
    filterRow->addWidget(m_shownLabel);
    filterRow->addWidget(m_selectShownButton);
    m_clientView = new QTableView(clientsBox);
    m_clientView->setObjectName(u"clientView"_s);
    m_clientView->setModel(m_clientProxy);
    m_clientView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_clientView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_clientView->setSortingEnabled(true);
    m_clientView->sortByColumn(ClientTableModel::IdColumn, Qt::AscendingOrder);
    m_clientView->verticalHeader()->hide();
    m_clientView->verticalHeader()->setDefaultSectionSize(m_clientView->fontMetrics().height() + 6);
    // Four rows and the header at least, in any language's font.
    m_clientView->setMinimumHeight(5 * m_clientView->verticalHeader()->defaultSectionSize()
                                   + 2 * m_clientView->frameWidth() + 4);
    m_clientView->horizontalHeader()->setStretchLastSection(true);
    // Widths from the font, not measured on the rows (ResizeToContents reads every shown row
    // at every change: too slow for a fleet). The last message takes what is left, elided.
    QHeaderView *header = m_clientView->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    const QFontMetrics cells = m_clientView->fontMetrics();
    const QFontMetrics heads = header->fontMetrics();
    const QLocale locale;
    const QString count = locale.toString(8888888);
    const std::pair<int, QString> widest[] = {
        { ClientTableModel::IdColumn, u"#88888"_s },
        { ClientTableModel::AddressColumn, u"888.888.888.888:88888"_s },
        { ClientTableModel::ConnectedColumn, u"88:88:88"_s },
        { ClientTableModel::MessagesInColumn, count },
        { ClientTableModel::BytesInColumn, UiText::byteText(888 * 1024 + 900) },
        { ClientTableModel::MessagesOutColumn, count },
        { ClientTableModel::BytesOutColumn, UiText::byteText(888 * 1024 + 900) },
        { ClientTableModel::RateColumn, locale.toString(8888) },
        { ClientTableModel::LastActivityColumn, UiText::ageText(QDateTime::currentMSecsSinceEpoch() - 58 * 60 * 1000) },
    };
    const int sortArrow = m_clientView->style()->pixelMetric(QStyle::PM_HeaderMarkSize) + 8;
    for (const auto &[column, sample] : widest) {
        const QString title = m_clients->headerData(column, Qt::Horizontal).toString();
        header->resizeSection(column, std::max(heads.horizontalAdvance(title) + sortArrow, cells.horizontalAdvance(sample) + 12));
    }
    header->setSectionResizeMode(ClientTableModel::LastMessageColumn, QHeaderView::Stretch);
    // The byte counts are one right-click away, so that the rate and the last message fit.
    header->setSectionHidden(ClientTableModel::BytesInColumn, true);
    header->setSectionHidden(ClientTableModel::BytesOutColumn, true);
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    header->setToolTip(tr("Click to sort; right-click to choose the columns"));
    connect(header, &QHeaderView::customContextMenuRequested, this, [this, header](const QPoint &at) {
        QMenu menu(this);
        for (int column = ClientTableModel::AddressColumn; column < ClientTableModel::ColumnCount; ++column) {
            QAction *action = menu.addAction(m_clients->headerData(column, Qt::Horizontal).toString());
            action->setCheckable(true);
            action->setChecked(!header->isSectionHidden(column));
            connect(action, &QAction::toggled, header, [header, column](bool shown) { header->setSectionHidden(column, !shown); });
        }
        menu.exec(header->mapToGlobal(at));
    });
    m_clientView->setWordWrap(false);
    m_clientView->setTextElideMode(Qt::ElideRight);
    m_clientView->setAlternatingRowColors(true);
    m_clientView->setToolTip(tr("Every connected client; select one or several (Ctrl, Shift) to send to them or drop them"));
    if (auto *corner = m_clientView->findChild<QAbstractButton *>())   // the view's own corner button: no name to ask for
        corner->setToolTip(tr("Select every client"));
    m_dropReasonEdit = new QLineEdit(clientsBox);
    m_dropReasonEdit->setObjectName(u"dropReasonEdit"_s);
    m_dropReasonEdit->setPlaceholderText(tr("Reason (optional)"));
    m_dropReasonEdit->setToolTip(tr("Why the selected clients are dropped; the log shows it"));
    m_dropButton = new QPushButton(tr("&Drop selected"), clientsBox);
    m_dropButton->setObjectName(u"dropButton"_s);
    m_dropButton->setToolTip(tr("Close the connection of every selected client (Del)"));
    m_dropButton->setAutoDefault(false);
    auto *dropRow = new QHBoxLayout;
    dropRow->addWidget(m_dropReasonEdit, 1);
    dropRow->addWidget(m_dropButton);
    auto *clientsLayout = new QVBoxLayout(clientsBox);
    clientsLayout->addLayout(filterRow);
    clientsLayout->addWidget(m_clientView, 1);
    clientsLayout->addLayout(dropRow);
    return clientsBox;
}

QTabWidget *ServerWindow::buildTabs(QWidget *central, QWidget *clientsPage)
{
    auto *settingsTabs = new QTabWidget(central);
    settingsTabs->setObjectName(u"settingsTabs"_s);
    // Two tabs each: too narrow a column elides their titles rather than scrolling them.
    settingsTabs->setUsesScrollButtons(false);
    settingsTabs->setElideMode(Qt::ElideRight);
    m_settingsPanel = new ServerSettingsPanel(settingsTabs);
    settingsTabs->addTab(m_settingsPanel, tr("Server settings"));
    m_peopleTabs = new QTabWidget(central);
    m_peopleTabs->setObjectName(u"peopleTabs"_s);
    m_peopleTabs->setUsesScrollButtons(false);
    m_peopleTabs->setElideMode(Qt::ElideRight);
    m_peopleTabs->addTab(clientsPage, tr("Connected clients"));
    // Settings tab: where to join, and how it goes. Beside the connected
    // clients: the servers of the domain.
    m_clusterPanel = new ClusterPanel(settingsTabs);
    settingsTabs->addTab(m_clusterPanel, tr("Cluster"));
    // The rules and the saved messages scroll in their tabs: their forms are taller and wider than
    // the settings, and would otherwise set the whole window's minimum size, shown or not.
    const auto scrolled = [settingsTabs](QWidget *panel, const QString &name) {
        auto *page = new QScrollArea(settingsTabs);
        page->setObjectName(name);
        page->setFrameShape(QFrame::NoFrame);
        page->setWidgetResizable(true);
        page->setWidget(panel);
        return page;
    };
    m_rulesPanel = new RulesPanel(m_ruleRunner, RuleSet::Side::Server, settingsTabs);
    settingsTabs->addTab(scrolled(m_rulesPanel, u"rulesPage"_s), tr("Rules"));
    // Beside the client table, so that clients can be selected while sending.
    m_savedPanel = new SavedMessagesPanel(MessageTemplate::Syntax::Plain, settingsTabs);
    m_savedPanel->setSend([this](const MessageTemplate &message, quint64 sequence) { return sendToTarget(message, sequence); });
    settingsTabs->addTab(scrolled(m_savedPanel, u"savedMessagesPage"_s), tr("Saved messages"));
    m_clusterPeers = new ClusterPeersPanel(m_peopleTabs);
    m_peopleTabs->addTab(m_clusterPeers, m_clusterPeers->title());
    return settingsTabs;
}

QWidget *ServerWindow::buildGraphBox(QWidget *central)
{
    auto *graphBox = new QGroupBox(tr("Traffic, last minute (↓ in, ↑ out)"), central);
    graphBox->setObjectName(u"graphBox"_s);
    m_graph = new TrafficGraph(graphBox);
    m_graph->setObjectName(u"trafficGraph"_s);
    m_graph->setStacked(true);
    auto *graphLayout = new QVBoxLayout(graphBox);
    graphLayout->addWidget(m_graph);
    return graphBox;
}

QWidget *ServerWindow::buildLogBox(QWidget *central)
{
    auto *logBox = new QGroupBox(tr("Messages"), central);
    logBox->setObjectName(u"logBox"_s);
    m_logPanel = new LogPanel(m_log, logBox);
    m_logPanel->setObjectName(u"logPanel"_s);
    m_targetCombo = new QComboBox(logBox);
    m_targetCombo->setObjectName(u"targetCombo"_s);
    m_targetCombo->addItem(tr("To all clients"));
    m_targetCombo->addItem(tr("To selected clients"));
    m_targetCombo->setToolTip(tr("Send to every client, or only to the clients selected in the table"));
    m_composeEdit = new QLineEdit(logBox);
    m_composeEdit->setObjectName(u"composeEdit"_s);
    m_composeEdit->setPlaceholderText(tr("Message; Enter sends"));
    m_composeEdit->setToolTip(tr("A line to send; a line feed is added. Enter sends."));
    m_composeHexCheck = new QCheckBox(tr("He&x"), logBox);
    m_composeHexCheck->setObjectName(u"composeHexCheck"_s);
    m_composeHexCheck->setToolTip(tr("Read the line as hexadecimal bytes, e.g. 48 65 6c 6c 6f"));
    m_sendButton = new QPushButton(tr("&Send"), logBox);
    m_sendButton->setObjectName(u"sendButton"_s);
    m_sendButton->setIcon(style()->standardIcon(QStyle::SP_ArrowRight));
    m_sendButton->setToolTip(tr("Send the line (Enter)"));
    m_sendButton->setAutoDefault(false);
    auto *composeBar = new QHBoxLayout;
    composeBar->addWidget(m_targetCombo);
    composeBar->addWidget(m_composeEdit, 1);
    composeBar->addWidget(m_composeHexCheck);
    composeBar->addWidget(m_sendButton);
    m_composeProblemLabel = UiText::problemLabel(logBox, u"composeProblemLabel"_s);
    auto *logLayout = new QVBoxLayout(logBox);
    logLayout->addWidget(m_logPanel, 1);
    logLayout->addLayout(composeBar);
    logLayout->addWidget(m_composeProblemLabel);
    return logBox;
}

void ServerWindow::buildStatusBar()
{
    const auto statusLabel = [this](const QString &name, const QString &toolTip) {
        auto *label = new QLabel(this);
        label->setObjectName(name);
        label->setTextFormat(Qt::PlainText);
        label->setToolTip(toolTip);
        return label;
    };
    m_statusListen = statusLabel(u"statusListen"_s, tr("Listening state"));
    m_statusClients = statusLabel(u"statusClients"_s, tr("Clients connected now"));
    m_statusRates = statusLabel(u"statusRates"_s, tr("Messages per second received and sent, over the last second"));
    m_statusCluster = statusLabel(u"statusCluster"_s, tr("The cluster bridge: its state, and what waits in its reconnect buffer"));
    m_statusCluster->hide();   // shown while in a cluster
    m_statusCapture = statusLabel(u"statusCapture"_s, QString());
    m_statusCapture->hide();   // shown while capturing
    statusBar()->addPermanentWidget(m_statusCapture);
    statusBar()->addPermanentWidget(m_statusCluster);
    statusBar()->addPermanentWidget(m_statusListen);
    statusBar()->addPermanentWidget(m_statusClients);
    statusBar()->addPermanentWidget(m_statusRates);
}

void ServerWindow::setTabOrders()
{
    // Listen bar, clients, log, compose, then the settings.
    chainTabOrder({ m_bindCombo, m_portSpin, m_startButton, m_captureButton, m_clientFilterEdit, m_selectShownButton,
                    m_clientView, m_dropReasonEdit, m_dropButton, m_logPanel->filterEdit() });
    chainTabOrder(QList<QWidget *> { m_logPanel->view(), m_targetCombo, m_composeEdit, m_composeHexCheck, m_sendButton }
                  + m_settingsPanel->focusChain() + m_clusterPanel->focusChain() + m_rulesPanel->focusChain());
}

void ServerWindow::connectControls()
{
    connect(m_startButton, &QPushButton::clicked, this, [this] {
        if (m_server->isListening())
            stop();
        else
            start();
    });
    // The button follows the capture, not the click: on while a file is written.
    connect(m_captureButton, &QPushButton::clicked, this, [this] {
        if (isCapturing())
            stopCapture();
        else
            openCaptureDialog();
        updateCaptureState();
    });
    connect(m_dropButton, &QPushButton::clicked, this, &ServerWindow::dropSelected);
    connect(m_dropReasonEdit, &QLineEdit::returnPressed, this, &ServerWindow::dropSelected);
    connect(m_sendButton, &QPushButton::clicked, this, &ServerWindow::sendComposed);
    connect(m_composeEdit, &QLineEdit::returnPressed, this, &ServerWindow::sendComposed);
    // A template that cannot expand is said as it is typed; Enter then sends nothing.
    const auto checkCompose = [this] {
        QString why;
        showComposeProblem(m_composeEdit->text().isEmpty() || composedTemplate(&why) ? QString() : UiText::notSentBecause(why));
    };
    connect(m_composeEdit, &QLineEdit::textChanged, this, checkCompose);
    connect(m_composeHexCheck, &QCheckBox::toggled, this, checkCompose);
    connect(m_savedPanel, &SavedMessagesPanel::statusMessagePosted, this, &ServerWindow::showStatus);
    // The saved messages go where the compose bar's target says; the panel shows it beside its Send.
    connect(m_targetCombo, &QComboBox::currentIndexChanged, this,
            [this] { m_savedPanel->setTargetText(m_targetCombo->currentText()); });
    // Saved as they are edited, like the rules: work one does not want to lose to a crash.
    connect(m_savedPanel, &SavedMessagesPanel::messagesChanged, this, [this] {
        QSettings settings;
        settings.beginGroup(GROUP);
        settings.setValue(u"savedMessages"_s, QString::fromUtf8(m_savedPanel->toJson()));
    });
    connect(m_bindCombo->lineEdit(), &QLineEdit::returnPressed, this, &ServerWindow::start);
    connect(m_clientView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ServerWindow::updateSelectionState);
    connect(m_clientProxy, &QAbstractItemModel::rowsRemoved, this, &ServerWindow::updateSelectionState);
    // The source's signals, not the proxy's: the proxy takes rows away before the source has.
    connect(m_clients, &QAbstractItemModel::rowsInserted, this, &ServerWindow::updateShownCount);
    connect(m_clients, &QAbstractItemModel::rowsRemoved, this, &ServerWindow::updateShownCount);
    connect(m_clientProxy, &QAbstractItemModel::modelReset, this, [this] {
        restoreSelection();
        updateShownCount();
    });
    connect(m_clientFilterEdit, &QLineEdit::textChanged, this, &ServerWindow::applyClientFilter);
    connect(m_selectShownButton, &QPushButton::clicked, this, &ServerWindow::selectAllShown);
    // Ages are computed when shown: each refresh repaints the rows in sight, and signals no row.
    connect(m_clients, &ClientTableModel::refreshed, m_clientView->viewport(), qOverload<>(&QWidget::update));
    connect(m_server, &SpreadServer::clientDisconnected, this,
            [this](SpreadServer::ClientId id, const QString &, int) { m_selectedIds.remove(id); });
    connect(m_settingsPanel, &ServerSettingsPanel::settingsChanged, this, &ServerWindow::applySettings);
    connect(m_settingsPanel, &ServerSettingsPanel::statusMessagePosted, this, &ServerWindow::showStatus);
    connect(m_rulesPanel, &RulesPanel::statusMessagePosted, this, &ServerWindow::showStatus);
    // Saved as soon as they run: the rules are work one does not want to lose to a crash.
    connect(m_rulesPanel, &RulesPanel::rulesApplied, this, [this] {
        QSettings settings;
        settings.beginGroup(GROUP);
        m_rulesPanel->save(settings);
    });
    connect(m_logPanel, &LogPanel::statusMessagePosted, this, &ServerWindow::showStatus);
}

void ServerWindow::connectClusterPanels()
{
    connect(m_clusterPanel, &ClusterPanel::joinRequested, this, &ServerWindow::startBridge);
    connect(m_clusterPanel, &ClusterPanel::leaveRequested, this, &ServerWindow::leaveCluster);
    connect(m_clusterPanel, &ClusterPanel::statusMessagePosted, this, &ServerWindow::showStatus);
    connect(m_clusterPeers, &ClusterPeersPanel::titleChanged, this,
            [this](const QString &title) { m_peopleTabs->setTabText(m_peopleTabs->indexOf(m_clusterPeers), title); });
    connect(m_clusterPeers->model(), &ClusterPeerModel::totalsChanged, this, &ServerWindow::updateClusterState);
}

void ServerWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *newClient = file->addAction(tr("New &client window"), this, &ServerWindow::openClientWindow);
    newClient->setObjectName(u"newClientAction"_s);
    newClient->setShortcut(QKeySequence::New);
    newClient->setToolTip(tr("Open a client window connected to this server"));
    m_logPanel->addFileActions(file);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    m_logPanel->addEditActions(edit);
    QAction *follow = edit->addAction(tr("F&ollow the newest line"));
    follow->setCheckable(true);
    follow->setChecked(true);
    follow->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_End));
    connect(follow, &QAction::toggled, m_logPanel, &LogPanel::setFollowing);
    connect(m_logPanel, &LogPanel::followingChanged, follow, &QAction::setChecked);

    QMenu *serverMenu = menuBar()->addMenu(tr("&Server"));
    m_startAction = serverMenu->addAction(tr("&Start listening"));
    m_startAction->setObjectName(u"startAction"_s);
    m_startAction->setShortcut(QKeySequence(Qt::Key_F5));
    connect(m_startAction, &QAction::triggered, m_startButton, &QPushButton::click);
    m_joinAction = serverMenu->addAction(tr("&Join cluster"));
    m_joinAction->setObjectName(u"joinAction"_s);
    m_joinAction->setShortcut(QKeySequence(Qt::Key_F6));
    m_joinAction->setEnabled(ClusterBridge::isAvailable());
    connect(m_joinAction, &QAction::triggered, m_clusterPanel, &ClusterPanel::toggleJoined);
    m_captureAction = serverMenu->addAction(tr("&Capture traffic…"));
    m_captureAction->setObjectName(u"captureAction"_s);
    m_captureAction->setCheckable(true);
    m_captureAction->setShortcut(QKeySequence(Qt::Key_F7));
    connect(m_captureAction, &QAction::triggered, m_captureButton, &QPushButton::click);
    m_dropAction = serverMenu->addAction(tr("&Drop selected clients"), this, &ServerWindow::dropSelected);
    m_dropAction->setObjectName(u"dropAction"_s);
    m_dropAction->setShortcut(QKeySequence::Delete);
    m_dropAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_clientView->addAction(m_dropAction);
    serverMenu->addSeparator();
    m_savedPanel->addSendActions(serverMenu->addMenu(tr("Send sa&ved message")));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About"), this, [this] {
        QMessageBox::about(this, tr("About SpreadSite"),
                           tr("<h3>SpreadSite server %1</h3><p>A broadcast TCP chat server: it greets each client with its "
                              "number, relays every line to the other clients and drops a client that sends "
                              "\"close\".</p><p>The same server runs in a console with <tt>--headless</tt>.</p>")
                                   .arg(QCoreApplication::applicationVersion().toHtmlEscaped()));
    });
}

QString ServerWindow::bindText(const QHostAddress &address)
{
    if (address == QHostAddress(QHostAddress::Any))
        return u"any"_s;
    return address.toString();
}

std::optional<QHostAddress> ServerWindow::parseBind(const QString &text)
{
    // Choices read "address  (description)": the first word is the address.
    const QString word = text.trimmed().section(u' ', 0, 0);
    return Addresses::parseBind(word.isEmpty() ? u"any"_s : word);
}

void ServerWindow::fillBindChoices()
{
    m_bindCombo->clear();
    m_bindCombo->addItem(tr("any  (all interfaces, IPv4 and IPv6)"), u"any"_s);
    m_bindCombo->addItem(tr("0.0.0.0  (all IPv4 interfaces)"), u"0.0.0.0"_s);
    m_bindCombo->addItem(tr("::  (all IPv6 interfaces)"), u"::"_s);
    const auto interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &interface : interfaces) {
        if (!(interface.flags() & QNetworkInterface::IsUp))
            continue;
        for (const QNetworkAddressEntry &entry : interface.addressEntries()) {
            const QHostAddress ip = entry.ip();
            if (ip.isLinkLocal() && ip.protocol() == QAbstractSocket::IPv6Protocol)
                continue;   // needs a scope id; rarely what one wants to bind
            const QString address = ip.toString();
            m_bindCombo->addItem(u"%1  (%2)"_s.arg(address, interface.humanReadableName()), address);
        }
    }
}

// ---- Settings: the controls, the settings file and the server -----------

void ServerWindow::loadSettings(const ServerOptions &options)
{
    QSettings settings;
    settings.beginGroup(GROUP);
    const auto pick = [&](const QString &option, const QString &key, const QVariant &fromOptions) {
        return explicitOrSaved(options, settings, option, key, fromOptions);
    };
    const QString bind = pick(u"bind"_s, u"bind"_s, bindText(options.bind)).toString();
    const int bindIndex = m_bindCombo->findData(bind);
    if (bindIndex >= 0)
        m_bindCombo->setCurrentIndex(bindIndex);
    else
        m_bindCombo->setEditText(bind);
    m_portSpin->setValue(pick(u"port"_s, u"port"_s, options.port).toInt());

    m_settingsPanel->load(options, settings);
    m_rulesPanel->load(settings, options.rules);   // --rules wins over the saved ones
    {
        const QSignalBlocker noSave(m_savedPanel);   // what was just read need not be written back
        m_savedPanel->restoreJson(settings.value(u"savedMessages"_s, u"[]"_s).toString().toUtf8());
    }

    const ClusterBridge::Settings &c = options.cluster;
    ClusterPanel::Fields cluster;
    cluster.servers = pick(OPTION_NATS, u"natsUrls"_s, c.urls.join(u", "_s)).toString();
    cluster.domain = pick(OPTION_DOMAIN, u"domain"_s, c.domain).toString();
    cluster.serverId = pick(OPTION_SERVER_ID, u"serverId"_s, c.serverId).toString();
    cluster.bufferBytes = pick(OPTION_NATS_BUFFER, u"natsBufferBytes"_s, c.reconnectBufferBytes).toLongLong();
    // TLS and credentials: paths only in the settings file, never a secret.
    cluster.caFile = pick(u"nats-tls-ca"_s, u"natsTlsCa"_s, c.tlsCaFile).toString();
    cluster.certFile = pick(u"nats-tls-cert"_s, u"natsTlsCert"_s, c.tlsCertFile).toString();
    cluster.keyFile = pick(u"nats-tls-key"_s, u"natsTlsKey"_s, c.tlsKeyFile).toString();
    cluster.user = pick(u"nats-user"_s, u"natsUser"_s, c.user).toString();
    cluster.passwordFile = pick(u"nats-password-file"_s, u"natsPasswordFile"_s, c.passwordFile).toString();
    cluster.tokenFile = pick(u"nats-token-file"_s, u"natsTokenFile"_s, c.tokenFile).toString();
    cluster.credsFile = pick(u"nats-creds"_s, u"natsCredsFile"_s, c.credsFile).toString();
    cluster.nkeySeedFile = pick(u"nats-nkey-seed"_s, u"natsNkeySeedFile"_s, c.nkeySeedFile).toString();
    cluster.password = c.password;   // SPREAD_NATS_PASSWORD, for this run only
    m_clusterPanel->setFields(cluster);
    // Like listening, joining happens at launch when the command line asks for
    // it, or when the window was in the cluster when it was closed.
    m_joinAtLaunch = ClusterBridge::isAvailable() && !cluster.servers.trimmed().isEmpty()
            && (options.explicitlySet.contains(OPTION_NATS) || settings.value(u"clusterJoined"_s, false).toBool());

    restoreGeometry(settings.value(u"geometry"_s).toByteArray());
    restoreState(settings.value(u"windowState"_s).toByteArray());
    m_mainSplitter->restoreState(settings.value(u"mainSplitter"_s).toByteArray());
    m_rightSplitter->restoreState(settings.value(u"rightSplitter"_s).toByteArray());
    // Columns shown, their widths and the sort; a state saved with other columns is not taken.
    const QByteArray columns = settings.value(u"clientColumns"_s).toByteArray();
    if (!columns.isEmpty() && settings.value(u"clientColumnCount"_s).toInt() == ClientTableModel::ColumnCount)
        m_clientView->horizontalHeader()->restoreState(columns);
}

void ServerWindow::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(GROUP);
    const auto bind = parseBind(m_bindCombo->currentText());
    settings.setValue(u"bind"_s, bind ? bindText(*bind) : u"any"_s);
    settings.setValue(u"port"_s, m_portSpin->value());
    settings.setValue(u"clientColumns"_s, m_clientView->horizontalHeader()->saveState());
    settings.setValue(u"clientColumnCount"_s, int(ClientTableModel::ColumnCount));
    m_settingsPanel->save(settings);
    m_rulesPanel->save(settings);
    settings.setValue(u"savedMessages"_s, QString::fromUtf8(m_savedPanel->toJson()));
    const ClusterPanel::Fields cluster = m_clusterPanel->fields();
    settings.setValue(u"natsUrls"_s, cluster.servers);
    settings.setValue(u"domain"_s, cluster.domain);
    settings.setValue(u"serverId"_s, cluster.serverId);
    settings.setValue(u"natsBufferBytes"_s, cluster.bufferBytes);
    settings.setValue(u"natsTlsCa"_s, cluster.caFile);
    settings.setValue(u"natsTlsCert"_s, cluster.certFile);
    settings.setValue(u"natsTlsKey"_s, cluster.keyFile);
    settings.setValue(u"natsUser"_s, cluster.user);
    settings.setValue(u"natsPasswordFile"_s, cluster.passwordFile);
    settings.setValue(u"natsTokenFile"_s, cluster.tokenFile);
    settings.setValue(u"natsCredsFile"_s, cluster.credsFile);
    settings.setValue(u"natsNkeySeedFile"_s, cluster.nkeySeedFile);
    settings.setValue(u"clusterJoined"_s, m_clusterState != ClusterBridge::State::Off);
    settings.setValue(u"geometry"_s, saveGeometry());
    settings.setValue(u"windowState"_s, saveState());
    settings.setValue(u"mainSplitter"_s, m_mainSplitter->saveState());
    settings.setValue(u"rightSplitter"_s, m_rightSplitter->saveState());
}

void ServerWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    // The server goes with the window: its clients are closed now, so the capture ends each
    // stream with the server's FIN, and the file is whole when the window is gone.
    if (m_capture && m_capture->isRunning())
        m_server->stop();
    stopCapture();
    QMainWindow::closeEvent(event);
}

void ServerWindow::applySettings(const SpreadServer::Settings &settings)
{
    const bool relayChanged = m_server->settings().relay != settings.relay;
    m_server->setSettings(settings);
    m_logPanel->setFraming(settings.framing);
    if (relayChanged)
        showStatus(settings.relay ? tr("Relaying messages to the other clients") : tr("Monitor only: messages are not relayed"));
}

// ---- The log: ServerLog makes every line; the window shows it and writes --log-file ----

void ServerWindow::openLogFile(const QString &path)
{
    if (path.isEmpty() || m_logFile.open(path))
        return;
    m_serverLog->warn(tr("Cannot open the log file %1: %2").arg(path, m_logFile.errorString()));
}

void ServerWindow::onLogged(const Log::Event &event)
{
    m_logFile.write(event);
    m_log->append(event);
    // Problems are said in the status bar too, where the user looks; refusals and gaps only in the log.
    if (event.isProblem() && !event.is<Log::Refused>() && !event.is<Log::Gap>())
        showStatus(LogModel::describe(event));
}

void ServerWindow::connectServer()
{
    connect(m_server, &SpreadServer::listeningChanged, this, &ServerWindow::updateListenState);
    connect(m_server, &SpreadServer::clientConnected, this,
            [this](SpreadServer::ClientId id, const QHostAddress &address, quint16 port, int count) {
                m_logPanel->addClientChoice(id, u"#%1 %2"_s.arg(id).arg(Addresses::peerText(address, port)));
                m_statusClients->setText(tr("%1 clients").arg(count));
            });
    connect(m_server, &SpreadServer::clientDisconnected, this,
            [this](SpreadServer::ClientId id, const QString &, int count) {
                m_logPanel->removeClientChoice(id);
                m_statusClients->setText(tr("%1 clients").arg(count));
            });
    connect(m_server, &SpreadServer::messageReceived, this,
            [this](SpreadServer::ClientId, const QByteArray &message, int relayedTo) {
                m_tick.messagesIn += 1;
                m_tick.bytesIn += double(message.size());
                m_tick.messagesOut += relayedTo;
                m_tick.bytesOut += double(relayedTo) * double(message.size() + 1);
            });
    connect(m_server, &SpreadServer::messageSent, this,
            [this](SpreadServer::ClientId, const QByteArray &message, int receivers) {
                m_tick.messagesOut += receivers;
                m_tick.bytesOut += double(receivers) * double(message.size() + 1);
            });
    connect(m_server, &SpreadServer::stopped, this, [this] {
        stopCapture();   // every client's end is in it: they are all closed
        if (!m_stopping)
            return;
        m_stopping = false;
        updateListenState();
    });
}

void ServerWindow::connectBridge()
{
    connect(m_bridge, &ClusterBridge::stateChanged, this, &ServerWindow::onClusterStateChanged);
    connect(m_bridge, &ClusterBridge::statsChanged, this, &ServerWindow::updateClusterStats);
    connect(m_bridge, &ClusterBridge::peersChanged, this, &ServerWindow::updateClusterPeers);
    connect(m_bridge, &ClusterBridge::remoteMessageReceived, this,
            [this](const QString &, quint64, const QByteArray &message, int deliveredTo) {
                m_tick.messagesIn += 1;
                m_tick.bytesIn += double(message.size());
                m_tick.messagesOut += deliveredTo;
                m_tick.bytesOut += double(deliveredTo) * double(message.size() + 1);
            });
}

void ServerWindow::onClusterStateChanged(ClusterBridge::State state, const QString &)
{
    if (state == m_clusterState) {
        updateClusterStats();
        return;
    }
    m_clusterState = state;   // ServerLog logs it
    updateClusterPeers();
    updateClusterState();
}

// ---- Listening, clients, compose ------------------------------------------

bool ServerWindow::start()
{
    if (m_server->isListening() || m_stopping)
        return m_server->isListening();
    const auto address = parseBind(m_bindCombo->currentText());
    if (!address) {
        showListenProblem(tr("Not an address: %1. Use an IP address, \"any\" or \"localhost\".")
                                  .arg(m_bindCombo->currentText().trimmed()));
        return false;
    }
    const quint16 port = quint16(m_portSpin->value());
    if (!m_server->listen(*address, port)) {
        const QString reason = m_server->errorString();
        showListenProblem(tr("Cannot listen on %1 port %2: %3").arg(bindText(*address)).arg(port).arg(reason));
        m_serverLog->warn(tr("cannot listen on %1 port %2: %3").arg(bindText(*address)).arg(port).arg(reason));
        return false;
    }
    updateListenState();
    // --capture, as the console server does it: once listening, so that the file names the port.
    if (!m_launchCaptureFile.isEmpty())
        startCapture(std::exchange(m_launchCaptureFile, QString()));
    return true;
}

void ServerWindow::stop()
{
    if (!m_server->isListening())
        return;
    m_stopping = true;
    m_server->stop();   // stopped() follows once every client is closed, maybe at once
    updateListenState();
}

void ServerWindow::updateListenState()
{
    const bool listening = m_server->isListening();
    m_bindCombo->setEnabled(!listening && !m_stopping);
    m_portSpin->setEnabled(!listening && !m_stopping);
    m_startButton->setEnabled(!m_stopping);
    m_startButton->setText(listening ? tr("Stop") : (m_stopping ? tr("Stopping…") : tr("Start")));
    m_startButton->setIcon(style()->standardIcon(listening ? QStyle::SP_MediaStop : QStyle::SP_MediaPlay));
    if (m_startAction)
        m_startAction->setText(listening ? tr("&Stop listening") : tr("&Start listening"));
    m_listenLabel->setStyleSheet(QString());
    QString state;
    if (listening) {
        state = m_tls ? tr("Listening on %1 port %2 (TLS)").arg(bindText(m_server->serverAddress())).arg(m_server->serverPort())
                      : tr("Listening on %1 port %2").arg(bindText(m_server->serverAddress())).arg(m_server->serverPort());
        setWindowTitle(tr("SpreadSite server — port %1").arg(m_server->serverPort()));
    } else {
        state = m_stopping ? tr("Stopping: closing every client…") : tr("Not listening");
        setWindowTitle(tr("SpreadSite server"));
    }
    m_statusListen->setText(state);
    const QHostAddress bound = m_server->serverAddress();
    if (listening && (bound == QHostAddress(QHostAddress::Any) || bound == QHostAddress(QHostAddress::AnyIPv4)
                      || bound == QHostAddress(QHostAddress::AnyIPv6))) {
        // Said plainly where it is seen: every interface means the network can reach it.
        state += tr(" — reachable from the network; bind 127.0.0.1 to keep it to this machine");
    }
    m_listenLabel->setText(state);
    m_statusClients->setText(tr("%1 clients").arg(m_server->clientCount()));
}

void ServerWindow::showListenProblem(const QString &text)
{
    m_listenLabel->setText(text);
    m_listenLabel->setStyleSheet(UiText::problemStyle());
    m_listenLabel->setToolTip(text);
    showStatus(text);
}

void ServerWindow::showStatus(const QString &text)
{
    statusBar()->showMessage(text, STATUS_TIMEOUT_MS);
}

void ServerWindow::updateSelectionState()
{
    if (!m_restoringSelection) {
        // What the user selected among the shown rows, and what the filter hides stays as it was.
        QSet<SpreadServer::ClientId> kept;
        for (SpreadServer::ClientId id : std::as_const(m_selectedIds)) {
            const int row = m_clients->rowOf(id);
            if (row >= 0 && !m_clientProxy->mapFromSource(m_clients->index(row, 0)).isValid())
                kept.insert(id);
        }
        for (SpreadServer::ClientId id : selectedClients())
            kept.insert(id);
        m_selectedIds = std::move(kept);
    }
    updateShownCount();
    const int selected = int(selectedClients().size());
    m_dropButton->setEnabled(selected > 0);
    m_dropAction->setEnabled(selected > 0);
    m_targetCombo->setItemText(1, selected > 0 ? tr("To selected clients (%1)").arg(selected) : tr("To selected clients"));
    m_savedPanel->setTargetText(m_targetCombo->currentText());
}

QList<SpreadServer::ClientId> ServerWindow::selectedClients() const
{
    QList<SpreadServer::ClientId> ids;
    const QModelIndexList rows = m_clientView->selectionModel()->selectedRows();
    for (const QModelIndex &index : rows)
        ids.append(index.data(ClientTableModel::IdRole).value<quint64>());
    std::sort(ids.begin(), ids.end());
    return ids;
}

void ServerWindow::selectAllShown()
{
    m_selectedIds.clear();   // exactly the shown ones: none the filter hides
    m_clientView->selectAll();
    updateSelectionState();
}

void ServerWindow::applyClientFilter(const QString &text)
{
    {
        // Rows the filter takes away leave the selection model; m_selectedIds keeps them.
        const QScopedValueRollback restoring(m_restoringSelection, true);
        m_clientProxy->setFilterText(text);
    }
    restoreSelection();
    updateShownCount();
}

// Selects the shown rows whose clients are in m_selectedIds, in runs of neighbours.
void ServerWindow::restoreSelection()
{
    const QScopedValueRollback restoring(m_restoringSelection, true);
    QItemSelection selection;
    const int rows = m_clientProxy->rowCount();
    const int lastColumn = m_clientProxy->columnCount() - 1;
    int first = -1;
    for (int row = 0; row <= rows; ++row) {
        const bool selected = row < rows
                && m_selectedIds.contains(m_clients->clientAt(m_clientProxy->mapToSource(m_clientProxy->index(row, 0)).row()));
        if (selected && first < 0) {
            first = row;
        } else if (!selected && first >= 0) {
            selection.select(m_clientProxy->index(first, 0), m_clientProxy->index(row - 1, lastColumn));
            first = -1;
        }
    }
    m_clientView->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);   // updateSelectionState() follows
}

void ServerWindow::updateShownCount()
{
    const int shown = m_clientProxy->rowCount();
    const int all = m_clients->rowCount();
    const int selectedShown = int(m_clientView->selectionModel()->selectedRows().size());
    const int hidden = int(m_selectedIds.size()) - selectedShown;
    const QString clients = all == 1 ? tr("1 client") : tr("%1 clients").arg(all);
    QString text = m_clientProxy->filterText().isEmpty() ? clients : tr("%1 of %2 shown").arg(shown).arg(clients);
    if (hidden > 0)
        text += u", "_s + tr("%1 selected hidden").arg(hidden);
    m_shownLabel->setText(text);
}

void ServerWindow::sendComposed()
{
    if (m_composeEdit->text().isEmpty()) {
        showStatus(tr("Nothing to send: type a message first"));
        return;
    }
    QString why;
    const auto message = composedTemplate(&why);
    if (!message) {
        showComposeProblem(UiText::notSentBecause(why));   // already shown as typed; the text stays for fixing
        return;
    }
    if (!sendToTarget(*message, m_composeSequence + 1))
        return;
    ++m_composeSequence;
    m_composeEdit->clear();
}

std::optional<MessageTemplate> ServerWindow::composedTemplate(QString *why) const
{
    const auto syntax = m_composeHexCheck->isChecked() ? MessageTemplate::Syntax::Hex : MessageTemplate::Syntax::Plain;
    return MessageTemplate::parse(m_composeEdit->text(), syntax, why);
}

void ServerWindow::showComposeProblem(const QString &text)
{
    m_composeProblemLabel->setText(text);
    m_composeProblemLabel->setVisible(!text.isEmpty());
}

bool ServerWindow::sendToTarget(const MessageTemplate &message, quint64 sequence)
{
    const bool toAll = m_targetCombo->currentIndex() == 0;
    const QList<SpreadServer::ClientId> ids = toAll ? QList<SpreadServer::ClientId>() : selectedClients();
    if (toAll && !m_server->isListening() && m_server->clientCount() == 0) {
        showStatus(tr("No clients to send to: start the server first"));
        return false;
    }
    if (!toAll && ids.isEmpty()) {
        showStatus(tr("Select one or more clients in the table first"));
        return false;
    }
    // The framing's checks, said here in the user's words rather than as the server's warning
    // after the fact, on a trial expansion: the sent one differs only by {time}, {random}, {client}.
    MessageTemplate::Context trial;
    trial.sequence = sequence;
    trial.client = ids.isEmpty() ? SpreadServer::ClientId(1) : ids.constFirst();
    const QByteArray bytes = message.expand(trial);
    const Framing &framing = m_server->framing();
    if (framing.kind == Framing::Kind::Line && bytes.contains('\n')) {
        showStatus(tr("A message cannot contain a line feed; it ends the message"));
        return false;
    }
    if (const QString notSent = UiText::notSentText(framing, bytes); !notSent.isEmpty()) {
        showStatus(notSent);
        return false;
    }
    const int receivers = m_server->sendTemplate(message, sequence, ids);
    if (toAll)
        showStatus(tr("Sent to %1 clients").arg(receivers));
    else
        showStatus(tr("Sent to %1 of %2 selected clients").arg(receivers).arg(ids.size()));
    return true;
}

void ServerWindow::dropSelected()
{
    const auto ids = selectedClients();
    if (ids.isEmpty()) {
        showStatus(tr("Select one or more clients in the table first"));
        return;
    }
    const QString reason = m_dropReasonEdit->text().trimmed();
    for (SpreadServer::ClientId id : ids)
        m_server->dropClient(id, reason);
    showStatus(tr("Dropped %1 clients").arg(ids.size()));
}

void ServerWindow::sampleTraffic()
{
    if (isCapturing())
        updateCaptureState();   // the file's size, as the writer last said
    m_tick.clients = m_server->clientCount();
    m_graph->addSample(m_tick);
    const QLocale locale;
    m_statusRates->setText(tr("in %1 msg/s, out %2 msg/s")
                                   .arg(locale.toString(m_tick.messagesIn, 'f', 0), locale.toString(m_tick.messagesOut, 'f', 0)));
    m_tick = {};
}

void ServerWindow::openClientWindow()
{
    ClientOptions options;
    const QHostAddress address = m_server->serverAddress();
    const bool specific = m_server->isListening() && !address.isNull() && address != QHostAddress(QHostAddress::Any)
            && address != QHostAddress(QHostAddress::AnyIPv4) && address != QHostAddress(QHostAddress::AnyIPv6);
    options.host = specific ? address.toString() : u"127.0.0.1"_s;
    options.port = m_server->isListening() ? m_server->serverPort() : quint16(m_portSpin->value());
    options.explicitlySet = { u"host"_s, u"port"_s };
    ClientWindow *window = ClientWindow::openNew(options);
    window->connectToServer();
}

// ---- Capture: every client's bytes to a pcapng or pcap file --------------

void ServerWindow::openCaptureDialog()
{
    if (m_captureDialog) {
        m_captureDialog->raise();
        m_captureDialog->activateWindow();
        return;
    }
    auto *dialog = new QFileDialog(this, tr("Capture traffic to"));
    dialog->setObjectName(u"captureFileDialog"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setFileMode(QFileDialog::AnyFile);
    const QStringList filters { tr("pcapng (*.pcapng)"), tr("pcap (*.pcap)") };
    dialog->setNameFilters(filters);
    dialog->setDefaultSuffix(u"pcapng"_s);
    const QString folder = QSettings().value(CAPTURE_FOLDER_KEY, QDir::homePath()).toString();
    dialog->setDirectory(folder);
    const QString stamp = QDateTime::currentDateTime().toString(u"yyyyMMdd-HHmmss"_s);
    dialog->selectFile(QDir(folder).filePath(u"spreadsite-%1.pcapng"_s.arg(stamp)));
    // The format goes by the name's ending: choosing the other filter changes the ending typed.
    connect(dialog, &QFileDialog::filterSelected, dialog, [dialog, filters](const QString &filter) {
        const QString suffix = filter == filters.at(1) ? u"pcap"_s : u"pcapng"_s;
        dialog->setDefaultSuffix(suffix);
        const QFileInfo typed(dialog->selectedFiles().value(0));
        if (typed.suffix() == u"pcap"_s || typed.suffix() == u"pcapng"_s)
            dialog->selectFile(typed.completeBaseName() + u'.' + suffix);
    });
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
        QSettings().setValue(CAPTURE_FOLDER_KEY, QFileInfo(path).absolutePath());
        startCapture(path);
    });
    m_captureDialog = dialog;
    dialog->open();
}

bool ServerWindow::startCapture(const QString &file)
{
    stopCapture();
    // The file's own words about where it was captured, as the console server writes them.
    const QString description = m_server->isListening()
            ? Capture::description(m_server->serverAddress(), m_server->serverPort())
            : u"SpreadSite server"_s;
    // A capture is not restarted: a new one for each file, the last one kept for its numbers.
    m_capture = std::make_unique<Capture>();
    if (!m_capture->start(file, m_captureMaxBytes, description)) {
        m_serverLog->warn(tr("Cannot write the capture file %1: %2").arg(file, m_capture->errorString()));   // and the status bar
        updateCaptureState();
        return false;
    }
    connect(m_capture.get(), &Capture::stoppedWithError, this, &ServerWindow::onCaptureFailed);
    connect(m_capture.get(), &Capture::framesDropped, this, [this](quint64 total) {
        m_serverLog->warn(tr("Capture: %1 frames not captured so far: the disk does not keep up with the traffic").arg(total));
    });
    m_capture->setServerEndpoint(m_server->serverAddress(), m_server->serverPort());
    m_server->setTap(m_capture.get());
    m_serverLog->captureState(file, CaptureFile::formatName(m_capture->format()), true, 0);
    if (m_server->clientCount() > 0)
        showStatus(tr("Capturing to %1").arg(QFileInfo(file).fileName()));
    updateCaptureState();
    return true;
}

bool ServerWindow::isCapturing() const
{
    return m_capture && m_capture->isRunning();
}

void ServerWindow::stopCapture()
{
    if (!isCapturing())
        return;
    m_capture->stop();   // what waits is written and the file closed: it is whole
    m_server->setTap(nullptr);
    const qint64 bytes = m_capture->bytesWritten();
    m_serverLog->captureState(m_capture->fileName(), CaptureFile::formatName(m_capture->format()), false, bytes);
    showStatus(tr("Capture stopped: %1 in %2").arg(UiText::byteText(bytes), QFileInfo(m_capture->fileName()).fileName()));
    updateCaptureState();
}

void ServerWindow::onCaptureFailed(const QString &reason)
{
    m_server->setTap(nullptr);   // the server goes on; only the capture stopped
    m_capture->stop();           // its writer thread ends, the file is closed
    // A problem: the log line is said in the status bar too.
    m_serverLog->captureState(m_capture->fileName(), CaptureFile::formatName(m_capture->format()), false,
                              m_capture->bytesWritten(), reason);
    updateCaptureState();
}

void ServerWindow::updateCaptureState()
{
    const bool capturing = isCapturing();
    m_captureButton->setChecked(capturing);
    if (m_captureAction) {
        m_captureAction->setChecked(capturing);
        m_captureAction->setText(capturing ? tr("Stop &capture") : tr("&Capture traffic…"));
    }
    if (capturing) {
        const QString path = QDir::toNativeSeparators(m_capture->fileName());
        m_captureButton->setToolTip(tr("Capturing every client's traffic to %1; click to stop (F7)").arg(path));
        m_statusCapture->setText(tr("Capturing to %1 · %2")
                                         .arg(QFileInfo(m_capture->fileName()).fileName(),
                                              UiText::byteText(m_capture->bytesWritten())));
        m_statusCapture->setToolTip(tr("Every client's traffic goes to %1 (%2)")
                                            .arg(path, CaptureFile::formatName(m_capture->format())));
    } else {
        m_captureButton->setToolTip(tr("Capture the traffic of every client, both directions, "
                                       "to a pcapng or pcap file Wireshark opens (F7)"));
    }
    m_statusCapture->setVisible(capturing);
}

// ---- Cluster: the bridge, and the panels that show it --------------------

ClusterPeerModel *ServerWindow::clusterModel() const
{
    return m_clusterPeers->model();
}

bool ServerWindow::joinCluster()
{
    if (!ClusterBridge::isAvailable()) {
        showStatus(UiText::noNatsText());
        return false;
    }
    if (m_clusterState != ClusterBridge::State::Off)
        return true;
    const auto settings = m_clusterPanel->validatedSettings();   // says why not
    return settings && startBridge(*settings);
}

bool ServerWindow::startBridge(const ClusterBridge::Settings &settings)
{
    if (m_clusterState != ClusterBridge::State::Off)
        return true;
    if (!m_bridge) {
        m_bridge = new ClusterBridge(m_server, this);
        m_serverLog->attachBridge(m_bridge);
        // Other servers' messages in a capture, from a pseudo peer per origin.
        connect(m_bridge, &ClusterBridge::remoteMessageReceived, this,
                [this](const QString &origin, quint64, const QByteArray &message) {
                    if (m_capture && m_capture->isRunning())
                        m_capture->remote(origin, message + m_server->framing().suffix());
                });
        connectBridge();
    }
    if (!m_bridge->start(settings)) {
        const QString text = tr("Cannot join the cluster: %1").arg(m_bridge->errorString());
        m_serverLog->warn(text);
        m_clusterPanel->showJoinProblem(text);
        return false;
    }
    // The bridge may say Connecting later, from its thread: the window says it now.
    if (m_clusterState == ClusterBridge::State::Off)
        onClusterStateChanged(ClusterBridge::State::Connecting, settings.urls.join(u", "_s));
    return true;
}

void ServerWindow::leaveCluster()
{
    if (!m_bridge || m_clusterState == ClusterBridge::State::Off)
        return;
    m_bridge->stop();
    if (m_clusterState != ClusterBridge::State::Off)   // stop() said nothing
        onClusterStateChanged(ClusterBridge::State::Off, {});
}

void ServerWindow::updateClusterState()
{
    const bool joined = m_clusterState != ClusterBridge::State::Off;
    m_clusterPanel->setState(m_clusterState);
    m_clusterPeers->setState(m_clusterState, joined && m_bridge ? m_bridge->settings().domain : QString());
    if (m_joinAction) {
        m_joinAction->setEnabled(ClusterBridge::isAvailable());
        m_joinAction->setText(joined ? tr("&Leave cluster") : tr("&Join cluster"));
    }
    m_statusCluster->setVisible(joined);
    updateClusterStats();
}

void ServerWindow::updateClusterStats()
{
    const ClusterBridge::Stats stats = m_bridge && m_clusterState != ClusterBridge::State::Off ? m_bridge->stats()
                                                                                              : ClusterBridge::Stats();
    m_clusterPanel->setStats(stats);
    const QString state = ClusterPanel::stateText(m_clusterState);
    QString status = tr("Cluster: %1").arg(state);
    if (m_clusterState == ClusterBridge::State::Connected)
        status = tr("Cluster: %1, %2 servers").arg(state).arg(m_clusterPeers->model()->rowCount());
    if (stats.bufferedBytes > 0)
        status += tr(", %1 buffered").arg(UiText::byteText(stats.bufferedBytes));
    m_statusCluster->setText(status);
    m_statusCluster->setStyleSheet(m_clusterState == ClusterBridge::State::Reconnecting ? UiText::problemStyle() : QString());
}

void ServerWindow::updateClusterPeers()
{
    const bool joined = m_bridge && m_clusterState != ClusterBridge::State::Off;
    m_clusterPeers->setPeers(joined ? m_bridge->peers() : QList<ClusterBridge::Peer>());
    updateClusterState();
}
