export default function Home() {
  return (
    <main>
      <h1>${{ values.name }}</h1>
      <p>${{ values.description or "A web application made from Paved's web-app golden path." }}</p>
    </main>
  );
}
