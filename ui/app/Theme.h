#pragma once

#include <QObject>

namespace athanor::ui {

// Light and dark Fusion palettes. Qt 6.4 has no colour-scheme API, so the choice is the user's (remembered)
// and the first default follows the platform palette's lightness.
class Theme : public QObject {
    Q_OBJECT
public:
    enum class Mode { Light, Dark };

    explicit Theme(QObject* parent = nullptr);

    Mode mode() const { return m_mode; }
    void apply(Mode mode);
    void toggle() { apply(m_mode == Mode::Dark ? Mode::Light : Mode::Dark); }

    static Mode parse(const QString& name, Mode fallback);

signals:
    void changed(athanor::ui::Theme::Mode mode);

private:
    Mode m_mode = Mode::Light;
};

} // namespace athanor::ui
