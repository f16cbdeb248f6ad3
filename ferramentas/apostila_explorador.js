// Troca um explorador interativo pela figura do seu estado inicial (ferramentas/apostila.py a chama
// para cada um). Recebe o elemento do explorador e o retrato dele na tela (PNG em base64).
(e, dados) => {
  const figura = document.createElement("figure");
  figura.className = "apostila-explorador";
  const img = document.createElement("img");
  img.src = "data:image/png;base64," + dados;
  const titulo = (e.querySelector(".cc-titulo") || e).textContent.replace(/\s+/g, " ").trim();
  img.alt = `${titulo} (retrato do estado inicial)`;
  const legenda = document.createElement("figcaption");
  legenda.textContent = "O explorador no seu estado inicial. No site (ou no notebook), "
    + "você muda os tamanhos e vê a janela andar sobre a entrada.";
  figura.append(img, legenda);
  e.replaceWith(figura);
}
