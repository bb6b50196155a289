#include "widgets/FilterBar.h"

#include "widgets/ThemeColors.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

namespace athanor::ui {

namespace {
constexpr int kDebounceMs = 250;
}

FilterBar::FilterBar(StateFilterProxyModel* proxy, QWidget* parent) : QWidget(parent), m_proxy(proxy) {
    m_text = new QLineEdit;
    m_text->setObjectName(QStringLiteral("filterText"));
    m_text->setPlaceholderText(tr("Filter by id, FQN or kind  (Ctrl+F)"));
    m_text->setClearButtonEnabled(true);
    m_text->addAction(QIcon(QStringLiteral(":/icons/find.svg")), QLineEdit::LeadingPosition);

    m_regex = new QCheckBox(tr("Regex"));
    m_regex->setToolTip(tr("Treat the filter text as a regular expression"));

    m_status = new QComboBox;
    m_status->setObjectName(QStringLiteral("statusFilter"));
    m_status->addItem(tr("All statuses"), static_cast<int>(StateFilterProxyModel::StatusFilter::All));
    m_status->addItem(tr("Created / updated"),
                      static_cast<int>(StateFilterProxyModel::StatusFilter::Settled));
    m_status->addItem(tr("Running"), static_cast<int>(StateFilterProxyModel::StatusFilter::Running));
    m_status->addItem(tr("Failed"), static_cast<int>(StateFilterProxyModel::StatusFilter::Failed));
    m_status->addItem(tr("Interrupted"), static_cast<int>(StateFilterProxyModel::StatusFilter::Interrupted));
    m_status->addItem(tr("Pending deletion"),
                      static_cast<int>(StateFilterProxyModel::StatusFilter::PendingDeletion));
    m_status->addItem(tr("Unreadable"), static_cast<int>(StateFilterProxyModel::StatusFilter::Unreadable));
    m_status->addItem(tr("Needs attention"), static_cast<int>(StateFilterProxyModel::StatusFilter::Problems));

    m_kind = new QComboBox;
    m_kind->setObjectName(QStringLiteral("kindFilter"));
    m_kind->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_kind->setMinimumContentsLength(12);
    m_kind->addItem(tr("All kinds"), QString());

    m_count = new QLabel;
    m_count->setObjectName(QStringLiteral("matchCount"));
    m_previous = new QToolButton;
    m_previous->setIcon(QIcon(QStringLiteral(":/icons/previous.svg")));
    m_previous->setToolTip(tr("Previous match (Shift+F3)"));
    m_previous->setAutoRaise(true);
    m_next = new QToolButton;
    m_next->setIcon(QIcon(QStringLiteral(":/icons/next.svg")));
    m_next->setToolTip(tr("Next match (F3)"));
    m_next->setAutoRaise(true);

    auto* row1 = new QHBoxLayout;
    row1->setContentsMargins(0, 0, 0, 0);
    row1->addWidget(m_text, 1);
    row1->addWidget(m_regex);
    auto* row2 = new QHBoxLayout;
    row2->setContentsMargins(0, 0, 0, 0);
    row2->addWidget(m_status, 1);
    row2->addWidget(m_kind, 1);
    row2->addWidget(m_count);
    row2->addWidget(m_previous);
    row2->addWidget(m_next);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 4);
    layout->setSpacing(4);
    layout->addLayout(row1);
    layout->addLayout(row2);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &FilterBar::applyNow);
    connect(m_text, &QLineEdit::textChanged, this, [this] { m_debounce.start(); });
    connect(m_text, &QLineEdit::returnPressed, this, [this] {
        applyNow();
        emit nextMatchRequested();
    });
    connect(m_regex, &QCheckBox::toggled, this, &FilterBar::applyNow);
    connect(m_status, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setStatusFilter(
            static_cast<StateFilterProxyModel::StatusFilter>(m_status->currentData().toInt()));
    });
    connect(m_kind, &QComboBox::currentIndexChanged, this,
            [this] { m_proxy->setKindFilter(m_kind->currentData().toString()); });
    connect(m_proxy, &StateFilterProxyModel::matchCountChanged, this, &FilterBar::updateCount);
    connect(m_next, &QToolButton::clicked, this, &FilterBar::nextMatchRequested);
    connect(m_previous, &QToolButton::clicked, this, &FilterBar::previousMatchRequested);
    updateCount(0);
}

void FilterBar::applyNow() {
    m_debounce.stop();
    m_proxy->setText(m_text->text(), m_regex->isChecked());
    colourText();
}

void FilterBar::colourText() {
    // A broken regular expression is shown on the field rather than silently matching nothing. Otherwise the
    // field has no palette of its own, so typed text follows the theme (a colour set once would stay the
    // old theme's after a switch, as dim as the placeholder).
    if (m_proxy->regexValid()) {
        m_text->setPalette(QPalette());
    } else {
        QPalette p;
        p.setColor(QPalette::Text, ThemeColors(QApplication::palette()).danger());
        m_text->setPalette(p);
    }
    m_text->setToolTip(m_proxy->regexValid() ? QString() : tr("Invalid regular expression"));
}

void FilterBar::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        colourText(); // the danger colour of the new theme
}

void FilterBar::updateCount(int count) {
    const bool filtering = m_proxy->isFiltering();
    m_count->setVisible(filtering);
    m_previous->setEnabled(filtering && count > 0);
    m_next->setEnabled(filtering && count > 0);
    m_count->setText(count == 1 ? tr("1 match") : tr("%1 matches").arg(count));
}

void FilterBar::setKinds(const QStringList& kinds) {
    const QString current = m_kind->currentData().toString();
    const QSignalBlocker block(m_kind);
    m_kind->clear();
    m_kind->addItem(tr("All kinds"), QString());
    for (const QString& k : kinds)
        m_kind->addItem(k, k);
    const int at = m_kind->findData(current);
    m_kind->setCurrentIndex(at >= 0 ? at : 0);
    if (at < 0 && !current.isEmpty())
        m_proxy->setKindFilter({});
}

void FilterBar::focusSearch() {
    m_text->setFocus(Qt::ShortcutFocusReason);
    m_text->selectAll();
}

void FilterBar::clear() {
    m_text->clear();
    m_status->setCurrentIndex(0);
    m_kind->setCurrentIndex(0);
    applyNow();
}

} // namespace athanor::ui
