// Prepara a página única do livro para o papel (ferramentas/apostila.py a chama antes de imprimir).
// Recebe {solucoes, titulo, versao, quadros: {src: [dataURL...]}, total: {src: n}}; devolve os títulos do sumário.
(opcoes) => {
  const artigo = document.querySelector("article.bd-article");
  // 1. Sem soluções: saem as soluções, as células de solução e a página dos instrutores.
  if (!opcoes.solucoes) {
    document.querySelectorAll(".solution, .tag_solucao").forEach(e => e.remove());
    const marca = document.getElementById("document-instrutores");
    if (marca) {
      // Os links para a página dos instrutores (que esta apostila não traz) vão para o site.
      const secao = marca.nextElementSibling;
      const ids = new Set(["document-instrutores", ...[...(secao ? secao.querySelectorAll("[id]") : [])].map(e => e.id)]);
      if (secao && secao.id) ids.add(secao.id);
      for (const a of document.querySelectorAll('a[href^="#"]')) {
        if (ids.has(decodeURIComponent(a.getAttribute("href").slice(1))) && !(secao && secao.contains(a))) {
          a.href = opcoes.instrutores;
          a.append(" (no site)");
        }
      }
      secao && secao.remove(); marca.remove();
    }
  } else {
    document.querySelectorAll(".toggle-hidden").forEach(e => e.classList.remove("toggle-hidden"));
    document.querySelectorAll("details").forEach(e => e.open = true);
  }
  // 2. Cada documento do livro (marcado por span#document-...) começa numa página nova.
  document.querySelectorAll('span[id^="document-"]').forEach(marca => {
    const secao = marca.nextElementSibling;
    if (secao && secao.tagName === "SECTION") secao.classList.add("apostila-licao");
  });
  // 3. Animações: a faixa de quadros-chave no lugar do GIF.
  for (const img of [...artigo.querySelectorAll("img")]) {
    const quadros = opcoes.quadros[img.getAttribute("src")];
    if (!quadros) continue;
    const faixa = document.createElement("figure");
    faixa.className = "apostila-quadros";
    for (const [n, dados] of quadros.entries()) {
      const q = document.createElement("img");
      q.src = dados;
      q.alt = `${img.alt || "Animação"} (quadro ${n + 1} de ${quadros.length})`;
      faixa.appendChild(q);
    }
    const legenda = document.createElement("figcaption");
    legenda.textContent = `Quadros da animação, da esquerda para a direita (${quadros.length} de ${opcoes.total[img.getAttribute("src")]}).`;
    faixa.appendChild(legenda);
    img.replaceWith(faixa);
  }
  // 4. Código: cada linha num bloco, para que a continuação de uma linha quebrada tenha recuo
  //    (e uma linha nunca seja dividida entre duas páginas).
  for (const pre of artigo.querySelectorAll("pre")) {
    const linhas = [[]];
    const partir = (no, abertos) => {
      if (no.nodeType === Node.TEXT_NODE) {
        const pedacos = no.textContent.split("\n");
        pedacos.forEach((p, i) => {
          if (i > 0) linhas.push([]);
          if (p) {
            let folha = document.createTextNode(p);
            for (const el of [...abertos].reverse()) { const c = el.cloneNode(false); c.appendChild(folha); folha = c; }
            linhas[linhas.length - 1].push(folha);
          }
        });
      } else if (no.nodeType === Node.ELEMENT_NODE) {
        for (const filho of [...no.childNodes]) partir(filho, [...abertos, no]);
      }
    };
    for (const filho of [...pre.childNodes]) partir(filho, []);
    if (linhas.length && linhas[linhas.length - 1].length === 0) linhas.pop();
    pre.replaceChildren(...linhas.map(nos => {
      const linha = document.createElement("span");
      linha.className = "apostila-linha";
      linha.append(...nos);
      if (!nos.length) linha.append("\u200b");
      // A continuação fica 4 colunas à direita do recuo da própria linha.
      const recuo = Math.min(linha.textContent.match(/^ */)[0].length, 40) + 4;
      linha.style.paddingLeft = `${recuo}ch`;
      linha.style.textIndent = `-${recuo}ch`;
      return linha;
    }));
  }
  // 5. Capa e sumário (lições e seções), com ids únicos para os links e os marcadores.
  const titulos = [];
  let n = 0;
  for (const marca of document.querySelectorAll('span[id^="document-"], article.bd-article > section:first-of-type')) {
    const secao = marca.tagName === "SECTION" ? marca : marca.nextElementSibling;
    if (!secao) continue;
    const h = secao.querySelector("h1, h2");
    if (!h) continue;
    const lista = [{h, nivel: 1}];
    for (const sub of secao.querySelectorAll(":scope > section > :is(h2, h3)")) lista.push({h: sub, nivel: 2});
    for (const {h: t, nivel} of lista) {
      // Um id novo no próprio título (os ids do livro se repetem entre lições; e um
      // marcador vazio dentro do título ficaria no pé da página anterior, se o título descer).
      t.id = `apostila-${++n}`;
      const texto = t.cloneNode(true);
      texto.querySelectorAll("a.headerlink, .headerlink").forEach(e => e.remove());
      titulos.push({id: t.id, nivel, texto: texto.textContent.replace(/\s+/g, " ").trim()});
    }
  }
  // A estrutura do PDF etiquetado (a que os leitores de tela seguem) o Chromium tira da
  // árvore de acessibilidade. Na página única, o título de cada lição é um h2 (o da
  // página inicial, um h1): o nível passa a ser a profundidade da seção dentro da lição
  // (lição = 1, seção = 2...), e o nome, o texto do título sem o "#" do link.
  for (const marca of document.querySelectorAll('span[id^="document-"], article.bd-article > section:first-of-type')) {
    const secao = marca.tagName === "SECTION" ? marca : marca.nextElementSibling;
    if (!secao || secao.tagName !== "SECTION") continue;
    for (const t of secao.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
      let nivel = 0;
      for (let s = t.closest("section"); s && secao.contains(s); s = s.parentElement.closest("section")) nivel++;
      const texto = t.cloneNode(true);
      texto.querySelectorAll(".headerlink").forEach(e => e.remove());
      t.setAttribute("aria-level", String(Math.max(nivel, 1)));
      t.setAttribute("aria-label", texto.textContent.replace(/\s+/g, " ").trim());
    }
  }
  const capa = document.createElement("section");
  capa.id = "apostila-capa";
  // O título da capa não é um título do texto: não entra nos marcadores do PDF.
  capa.innerHTML = `<p class="titulo-capa"></p><p class="versao"></p>`;
  capa.querySelector(".titulo-capa").textContent = opcoes.titulo;
  capa.querySelector(".versao").textContent = opcoes.versao;
  const sumario = document.createElement("nav");
  sumario.id = "apostila-sumario";
  sumario.innerHTML = "<h2>Sumário</h2>";
  let lista = document.createElement("ol"), sub = null;
  sumario.appendChild(lista);
  for (const t of titulos) {
    const li = document.createElement("li");
    li.className = `nivel-${t.nivel}`;
    li.innerHTML = `<a><span class="titulo"></span><span class="pontos"></span><span class="pagina">000</span></a>`;
    li.querySelector("a").href = "#" + t.id;
    li.querySelector(".titulo").textContent = t.texto;
    li.dataset.alvo = t.id;
    if (t.nivel === 1) { lista.appendChild(li); sub = document.createElement("ol"); li.appendChild(sub); }
    else (sub || lista).appendChild(li);
  }
  artigo.prepend(capa, sumario);
  // Os links para uma página inteira ("#document-bibliografia") levam ao título dela: a
  // marca do documento fica antes da quebra de página, no pé da página anterior.
  const primeiroTitulo = {};
  for (const marca of document.querySelectorAll('span[id^="document-"]')) {
    const h = marca.nextElementSibling && marca.nextElementSibling.querySelector("h1, h2");
    if (h && h.id) primeiroTitulo[marca.id] = h.id;
  }
  for (const a of document.querySelectorAll('a[href^="#document-"]')) {
    const alvo = primeiroTitulo[a.getAttribute("href").slice(1)];
    if (alvo) a.setAttribute("href", "#" + alvo);
  }
  return titulos;
}
