export const metadata = {
  title: "${{ values.name }}",
  description: ${{ (values.description or values.name) | tojson }},
};

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
