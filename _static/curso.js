// Ajustes do site do curso no navegador (o Jupyter Book inclui todo .js de _static/,
// depois dos scripts dos temas). Cada bloco diz o que conserta e por quê.

// 1. Interface em português. O sphinx-copybutton só traz poucas línguas (nenhuma em
//    português) e escolhe a língua ao carregar; o sphinx-togglebutton tem rótulos fixos
//    em inglês. Este arquivo roda depois deles e põe os textos em português.
if (typeof messages !== "undefined" && typeof locale !== "undefined") {
  messages["pt-BR"] = {"copy": "Copiar", "copy_to_clipboard": "Copiar para a área de transferência",
                       "copy_success": "Copiado!", "copy_failure": "Não foi possível copiar"};
  if (document.documentElement.lang === "pt-BR") { locale = "pt-BR"; }
  // Os ícones (com o título escondido em <title>) já foram montados com a língua padrão.
  const titulo = (svg, texto) => svg.replace(/<title>[^<]*<\/title>/, `<title>${texto}</title>`);
  if (typeof iconCopy !== "undefined") { iconCopy = titulo(iconCopy, messages[locale].copy_to_clipboard); }
  if (typeof iconCheck !== "undefined") { iconCheck = titulo(iconCheck, messages[locale].copy_success); }
}
// Na busca, o trecho de cada resultado vem do HTML da página, onde as fórmulas
// ainda são TeX ("\(p_h\)"): o trecho passa a mostrá-las como texto simples (p_h).
const semAcentos = (texto) => texto.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
const TEX_COMO_TEXTO = {times: "×", cdot: "·", star: "⋆", lfloor: "⌊", rfloor: "⌋", ldots: "…",
                        cdots: "…", sum: "Σ", to: "→", rightarrow: "→", leq: "≤", geq: "≥", approx: "≈"};
function texComoTexto(tex) {
  let t = tex.replace(/^\s*\\[([]/, "").replace(/\\[)\]]\s*$/, "");
  for (let i = 0; i < 4; i++) {
    t = t.replace(/\\frac\{([^{}]*)\}\{([^{}]*)\}/g, "($1)/($2)")
         .replace(/\\(?:mathbf|mathrm|text|operatorname|mathit|textrm|boldsymbol)\{([^{}]*)\}/g, "$1");
  }
  return t.replace(/\\([A-Za-z]+)/g, (_, nome) => TEX_COMO_TEXTO[nome] ?? "")
          .replace(/\\[,;:! ]/g, " ").replace(/[{}]/g, "").replace(/\s+/g, " ").trim();
}
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined" || !Search.htmlToText) { return; }
  const original = Search.htmlToText;
  Search.htmlToText = (html, ancora) => {
    const documento = new DOMParser().parseFromString(html, "text/html");
    for (const formula of documento.querySelectorAll(".math")) {
      formula.textContent = texComoTexto(formula.textContent);
    }
    // O sumário impresso da página (só para o papel) não entra no trecho do resultado.
    documento.querySelectorAll("#jb-print-docs-body, .selo-colab").forEach(e => e.remove());
    return original(documento.documentElement.outerHTML, ancora);
  };
  // O trecho mostra o texto em volta da palavra achada, com ou sem acentos
  // ("convolucao" acha "convolução"): o texto e as palavras são comparados sem acentos.
  // (Sem acentos, o texto em NFC tem o mesmo comprimento: as posições valem para os dois.)
  Search.makeSearchSummary = (html, palavras, ancora) => {
    const texto = Search.htmlToText(html, ancora).replace(/\s+/g, " ").normalize("NFC");
    if (!texto) { return null; }
    const simples = semAcentos(texto.toLowerCase());
    const posicoes = [...palavras, ...(Search._termosDigitados || [])]
      .map(p => simples.indexOf(semAcentos(String(p).toLowerCase()))).filter(i => i > -1);
    const achada = posicoes.length ? Math.min(...posicoes) : 0;
    const inicio = Math.max(achada - 100, 0);
    const trecho = document.createElement("p");
    trecho.classList.add("context");
    trecho.textContent = (inicio ? "..." : "") + texto.substr(inicio, 240).trim()
      + (inicio + 240 < texto.length ? "..." : "");
    return trecho;
  };
  // A busca compara radicais sem acentos (o índice foi feito assim: ferramentas/extensao_site.py).
  if (typeof Stemmer !== "undefined") {
    const Radical = Stemmer;
    Stemmer = function () {
      const radical = new Radical();
      this.stemWord = (palavra) => radical.stemWord(semAcentos(palavra));
    };
  }
  const consultar = Search.query;
  Search.query = (consulta) => {
    Search._termosDigitados = consulta.split(/\s+/).filter(p => p.length > 2);
    return consultar(consulta);
  };
});

const aoCarregar = (f) => (document.readyState === "loading"
  ? document.addEventListener("DOMContentLoaded", f) : f());

// 2. Nomes para quem usa leitor de tela: os botões de copiar e de abrir soluções têm um
//    nome em português; os ícones do botão de cor não repetem o nome com "title" (o
//    Font Awesome os troca por <svg> com <title>, a qualquer momento); o botão de busca
//    da barra lateral se chama pelo que mostra ("Buscar Ctrl+K"). Roda de novo a cada
//    mudança na página, porque os temas criam esses elementos depois de carregar.
const nomear = () => {
  document.querySelectorAll("button.toggle-button:not([aria-label^='Mostrar'])").forEach(
    b => b.setAttribute("aria-label", "Mostrar ou ocultar o conteúdo"));
  document.querySelectorAll("button.copybtn:not([aria-label])").forEach(
    b => b.setAttribute("aria-label", "Copiar o código"));
  document.querySelectorAll(".theme-switch-button :is(i, svg)[title], .theme-switch-button svg title").forEach(e => {
    if (e.tagName.toLowerCase() === "title") { e.remove(); } else { e.removeAttribute("title"); }
  });
  document.querySelectorAll(".theme-switch-button :is(i, svg):not([aria-hidden])").forEach(
    e => e.setAttribute("aria-hidden", "true"));
  document.querySelectorAll("button.search-button-field[aria-label]").forEach(b => b.removeAttribute("aria-label"));
  // Na bibliografia, o docutils marca a lista com role="list", mas as entradas são
  // "doc-biblioentry" (não itens de lista): leitores de tela anunciariam uma lista vazia.
  document.querySelectorAll('.citation-list[role="list"]').forEach(l => l.removeAttribute("role"));
};
aoCarregar(() => {
  nomear();
  new MutationObserver(nomear).observe(document.body, {childList: true, subtree: true});
});

// 3. Solução aberta pelo título, sem erro. O sphinx-togglebutton 0.4.5 procura o botão
//    a partir do elemento tocado; tocando no link "Exercício 4.2" ou no número do título,
//    ele não acha o botão ("button is not defined") e o link leva de volta ao exercício.
//    Aqui o toque em qualquer parte do título abre ou fecha a solução, e nada mais.
document.addEventListener("click", (evento) => {
  const titulo = evento.target.closest(".toggle > .admonition-title");
  const botao = titulo && titulo.querySelector("button.toggle-button");
  if (!botao || typeof toggleHidden !== "function") { return; }
  evento.preventDefault();
  evento.stopPropagation();
  toggleHidden(botao);
}, true);

// 4. Celular: o menu "Nesta página" (e o sumário do livro) fecha depois de um toque num
//    link; antes, a página pulava para a seção, mas o menu ficava por cima dela.
document.addEventListener("click", (evento) => {
  const link = evento.target.closest("dialog a[href]");
  const janela = link && link.closest("dialog[open]");
  if (janela && janela.id !== "pst-search-dialog") { janela.close(); }
});

// 5. Tabelas no celular: cada célula leva o nome da sua coluna (o curso.css mostra cada
//    linha como um cartão, "lição: Lição 4 ...", em telas estreitas).
aoCarregar(() => {
  for (const tabela of document.querySelectorAll("article.bd-article table.table")) {
    const nomes = [...tabela.querySelectorAll("thead th")].map(th => th.textContent.trim());
    for (const linha of tabela.querySelectorAll("tbody tr")) {
      [...linha.children].forEach((celula, i) => { if (nomes[i]) { celula.dataset.coluna = nomes[i]; } });
    }
  }
});
