// Medidas e inspeções feitas dentro da página pelos testes do site e pela apostila
// (ferramentas/navegador.py as instala em toda página aberta, antes dos scripts dela).
// Cada função devolve dados simples; o Python decide o que é problema.
globalThis.cursoNavegador = {
  // Quantas fórmulas há, quantas o MathJax compôs e quantas deram erro de TeX.
  formulas: () => ({
    formulas: document.querySelectorAll("span.math, div.math").length,
    compostas: [...document.querySelectorAll("span.math, div.math")].filter(f => f.querySelector("mjx-container")).length,
    erros_tex: document.querySelectorAll("mjx-merror, [data-mjx-error]").length}),

  // Os fatos da página que os testes conferem: fórmulas, imagens, links, títulos, texto.
  inspecionar: () => {
    const artigo = document.querySelector("article.bd-article") || document.body;
    const formulas = [...document.querySelectorAll("span.math, div.math")];
    const semCodigo = artigo.cloneNode(true);
    semCodigo.querySelectorAll("pre, code, mjx-container, script, style, .highlight").forEach(e => e.remove());
    const tex = semCodigo.textContent.match(/\\[()\[\]]|\$\$|\\[A-Za-z]{2,}/g) || [];
    const imagens = [...document.images].map(img => ({
      src: img.currentSrc || img.src, alt: (img.getAttribute("alt") || "").trim(),
      carregada: img.complete && img.naturalWidth > 0}));
    const links = [...document.querySelectorAll("a[href]")].map(a => a.href);
    const titulos = [...artigo.querySelectorAll("h1, h2, h3, h4, h5, h6")]
        .map(h => ({nivel: +h.tagName[1], texto: h.textContent.replace(/[#¶]\s*$/, "").trim()}));
    // A interface: tudo fora do texto da página, mais os botões que o tema põe dentro dele.
    const daInterface = e => !artigo.contains(e) || e.closest(".copybtn, .toggle-button, a.headerlink");
    const atributos = [];
    for (const e of document.querySelectorAll("[title], [aria-label], [placeholder], [alt], [data-tooltip]")) {
      if (!daInterface(e)) continue;
      for (const nome of ["title", "aria-label", "placeholder", "alt", "data-tooltip"]) {
        const v = e.getAttribute(nome);
        if (v) atributos.push(v);
      }
    }
    return {
      lang: document.documentElement.lang,
      titulo: document.title,
      formulas: formulas.length,
      compostas: formulas.filter(f => f.querySelector("mjx-container")).length,
      erros_tex: document.querySelectorAll("mjx-merror, [data-mjx-error]").length,
      tex_cru: tex,
      imagens, links, titulos, atributos,
      texto_interface: document.body.innerText.replace(artigo.innerText, " "),
    };
  },

  // Na largura de um celular, nada do texto pode passar da borda direita (rolagem lateral).
  largura: () => {
    const largura = document.documentElement.clientWidth;
    const vazam = [];
    for (const e of document.querySelectorAll("article.bd-article p, article.bd-article li, article.bd-article h1, article.bd-article h2, article.bd-article h3, article.bd-article table, article.bd-article img")) {
      const r = e.getBoundingClientRect();
      if (r.width && (r.right > largura + 1 || r.left < -1)) vazam.push(`${e.tagName.toLowerCase()}: ${e.textContent.trim().slice(0, 60)}`);
    }
    return {largura, rolagem: document.documentElement.scrollWidth, vazam};
  },

  // Quantos elementos do seletor uma pessoa vê de fato: dentro da janela e não cobertos por outro.
  visiveis: (seletor) => [...document.querySelectorAll(seletor)].filter(e => {
    const r = e.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    const x = r.left + Math.min(r.width / 2, 12), y = r.top + r.height / 2;
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return false;
    const topo = document.elementFromPoint(x, y);
    return !!topo && (e.contains(topo) || topo.contains(e));
  }).length,

  // Nenhum elemento da coluna passa da janela, a não ser dentro de um contêiner com rolagem.
  transbordo: () => {
    const W = document.documentElement.clientWidth;
    const coluna = document.querySelector(".bd-article-container") || document.querySelector("article") || document.body;
    const rola = e => /(auto|scroll)/.test(getComputedStyle(e).overflowX);
    const fora = [];
    for (const e of coluna.querySelectorAll("*")) {
      const r = e.getBoundingClientRect();
      if (r.width < 1 || (r.right <= W + 1 && r.left >= -1)) continue;
      let pai = e.parentElement, contido = false;
      while (pai && pai !== coluna.parentElement) {
        const rp = pai.getBoundingClientRect();
        if (rola(pai) && rp.right <= W + 1 && rp.left >= -1) { contido = true; break; }
        pai = pai.parentElement;
      }
      if (contido) continue;
      if (fora.some(f => f.el.contains(e))) continue;
      const nome = e.tagName.toLowerCase() + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "");
      fora.push({el: e, texto: `${nome} (${Math.round(r.left)}–${Math.round(r.right)}px): ${(e.textContent || "").trim().slice(0, 50)}`});
    }
    return {largura: W, fora: fora.map(f => f.texto)};
  },

  // Nada cortado: toda fórmula em destaque, tabela e figura cabe inteira na coluna do texto
  // (sem precisar de rolagem lateral, que no celular e no papel esconde o resto).
  cortes: () => {
    const coluna = document.querySelector("article.bd-article") || document.body;
    const c = coluna.getBoundingClientRect(), estilo = getComputedStyle(coluna);
    const esquerda = c.left + parseFloat(estilo.paddingLeft), direita = c.right - parseFloat(estilo.paddingRight);
    const cortados = [];
    // (De uma fórmula em destaque mede-se o mjx-math: o mjx-container ocupa a largura da linha.)
    const seletor = "mjx-container[display='true'] > mjx-math, table, img, figure, svg:not(mjx-container svg), .cell_output iframe";
    for (const e of coluna.querySelectorAll(seletor)) {
      const r = e.getBoundingClientRect();
      if (r.width < 1 || r.height < 1 || e.closest("pre, .highlight")) continue;
      if (r.left >= esquerda - 1 && r.right <= direita + 1) continue;
      if (cortados.some(f => f.el.contains(e))) continue;
      const nome = e.tagName === "MJX-MATH" ? "fórmula" : e.tagName.toLowerCase();
      const texto = (e.tagName === "IMG" ? e.getAttribute("alt") || e.getAttribute("src") : e.textContent) || "";
      cortados.push({el: e, texto: `${nome} de ${Math.round(r.width)}px numa coluna de `
        + `${Math.round(direita - esquerda)}px: ${texto.replace(/\s+/g, " ").trim().slice(0, 60)}`});
    }
    return cortados.map(f => f.texto);
  },

  // O retângulo de um elemento e o que o cobre no centro (para toques e para o "Voltar ao topo").
  retangulo: (e) => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, largura: r.width, altura: r.height}; },
};
