import { useEffect, useState } from 'react';

type Theme = 'light' | 'dark' | 'system';
const STORAGE = 'tracefold.theme';

/** Light, dark or the system's; kept in localStorage (it is no secret), applied as data-theme. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem(STORAGE) as Theme) ?? 'system');
  useEffect(() => {
    localStorage.setItem(STORAGE, theme);
    if (theme === 'system') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.setAttribute('data-theme', theme);
  }, [theme]);
  return (
    <label className="theme-toggle">
      <span>Theme</span>
      <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
