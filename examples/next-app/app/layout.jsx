export const metadata = { title: 'tessera · Next.js example' };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body style={{ font: '16px/1.5 system-ui, sans-serif', maxWidth: '40rem', margin: '3rem auto' }}>
        <nav>
          <a href="/">Home</a> · <a href="/protected">Protected page</a> · <a href="/api/me">/api/me</a>
        </nav>
        {children}
      </body>
    </html>
  );
}
