(function () {
  "use strict";
  var CFG = __CONFIG__;
  var script = document.currentScript;
  var raiz = null;
  var anterior = script && script.previousElementSibling;
  if (anterior && anterior.getAttribute("data-cc-explorador") === CFG.id) raiz = anterior;
  if (!raiz) {
    var candidatos = document.querySelectorAll('[data-cc-explorador="' + CFG.id + '"]');
    for (var c = 0; c < candidatos.length; c++) {
      if (!candidatos[c].hasAttribute("data-cc-iniciado")) { raiz = candidatos[c]; break; }
    }
  }
  if (!raiz || raiz.hasAttribute("data-cc-iniciado")) return;
  raiz.setAttribute("data-cc-iniciado", "1");
  var registro = window.exploradores = window.exploradores || {};

  // Ids únicos mesmo com duas cópias da mesma saída na página (a apostila junta as lições).
  var id = CFG.id;
  if (registro[id] || document.querySelectorAll('[id="' + id + '"]').length > 1) {
    var novo, sufixo = 2;
    do { novo = id + "-" + sufixo++; } while (registro[novo] || document.getElementById(novo));
    var atributos = ["id", "for", "aria-labelledby", "aria-describedby", "aria-controls"];
    var todos = [raiz].concat(Array.prototype.slice.call(raiz.querySelectorAll("*")));
    todos.forEach(function (el) {
      atributos.forEach(function (a) {
        var v = el.getAttribute(a);
        if (v && v.indexOf(id) >= 0) el.setAttribute(a, v.split(id).join(novo));
      });
    });
    raiz.setAttribute("data-cc-explorador", novo);
    id = novo;
  }

  function q(seletor) { return raiz.querySelector(seletor); }
  var MENOS = "\u2212";
  var MODOS = {correlacao: "correlação cruzada (soma dos produtos)", max: "agrupamento pelo máximo",
               media: "agrupamento pela média"};

  // Sorteio com semente (mulberry32): a mesma página sorteia os mesmos números.
  var semente = (CFG.semente >>> 0) + 0x6D2B79F5;
  function aleatorio() {
    semente = (semente + 0x6D2B79F5) >>> 0;
    var t = semente;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  function sortearInteiro(a, b) { return a + Math.floor(aleatorio() * (b - a + 1)); }

  var st = {modo: CFG.modo, n: CFG.n.slice(), k: CFG.k.slice(), p: CFG.p.slice(), s: CFG.s.slice(),
            d: CFG.d.slice(), X: CFG.X.map(function (l) { return l.slice(); }),
            K: CFG.K.map(function (l) { return l.slice(); }), pos: 0};
  var resultado = null, relogio = null;

  function agrupamento() { return st.modo !== "correlacao"; }
  function tem(nome) { return CFG.controles.indexOf(nome) >= 0; }
  // "a, b ou c": as mudanças que o leitor pode fazer, só com os controles que este explorador tem.
  function ou(lista) {
    return lista.length > 1 ? lista.slice(0, -1).join(", ") + " ou " + lista[lista.length - 1] : lista[0];
  }
  function sugestao(lista) { return lista.length ? ": " + ou(lista) + "." : "."; }
  function faixaX() { return agrupamento() ? [0, 9] : [0, 4]; }

  // Mantém os valores que continuam na matriz e sorteia os novos.
  function redimensionar(M, forma, faixa) {
    var R = [];
    for (var i = 0; i < forma[0]; i++) {
      var linha = [];
      for (var j = 0; j < forma[1]; j++) {
        linha.push(i < M.length && j < M[i].length ? M[i][j] : sortearInteiro(faixa[0], faixa[1]));
      }
      R.push(linha);
    }
    return R;
  }

  function fmt(v) {
    if (v === -Infinity) return MENOS + "\u221e";
    var r = Math.round(v * 100) / 100;
    if (Object.is(r, -0)) r = 0;
    var t = String(Math.abs(r)).replace(".", ",");
    return (r < 0 ? MENOS : "") + t;
  }
  // "=" quando o valor escrito é o valor (até duas casas); "≈" só quando fmt arredondou.
  function exato(v) { return Math.round(v * 100) / 100 === v; }
  function fmtTermo(v) { return v < 0 ? "(" + fmt(v) + ")" : fmt(v); }

  function piso(a, b) { return Math.floor(a / b); }

  function calcular() {
    var n = st.n, k = st.k, p = st.p, s = st.s, d = st.d;
    var formula = [0, 1].map(function (e) { return piso(n[e] + 2 * p[e] - d[e] * (k[e] - 1) - 1, s[e]) + 1; });
    var erro = null;
    var dilatada = d[0] > 1 || d[1] > 1, preenchida = p[0] > 0 || p[1] > 0;
    var nomeJanela = agrupamento() ? "a janela" : "o núcleo";
    if (agrupamento() && (p[0] > piso(k[0], 2) || p[1] > piso(k[1], 2))) {
      erro = "No agrupamento, o PyTorch só aceita preenchimento de até metade da janela (⌊k/2⌋ = " +
        piso(k[0], 2) + " na altura e " + piso(k[1], 2) + " na largura)" +
        sugestao([tem("p") && "diminua o preenchimento", tem("k") && "aumente a janela"].filter(Boolean));
    } else if (st.modo === "media" && dilatada) {
      erro = "O agrupamento pela média do PyTorch (F.avg_pool2d) não tem dilatação" +
        (tem("d") ? ": use dilatação 1." : ".");
    } else if (formula[0] < 1 || formula[1] < 1) {
      // Só cita a dilatação e o preenchimento se o leitor pode mexer neles (ou se estão em uso).
      erro = "A janela (de " + (d[0] * (k[0] - 1) + 1) + "×" + (d[1] * (k[1] - 1) + 1) + " posições" +
        (dilatada ? ", com a dilatação" : "") + ") não cabe na entrada" + (preenchida ? " preenchida" : "") +
        " (" + (n[0] + 2 * p[0]) + "×" + (n[1] + 2 * p[1]) + ")" +
        sugestao([tem("n") && "aumente a entrada", tem("p") && "aumente o preenchimento",
                  tem("k") && "diminua " + nomeJanela, tem("d") && "diminua a dilatação"].filter(Boolean));
    }
    var vazio = st.modo === "max" ? -Infinity : 0;
    var Xp = [];
    for (var i = 0; i < n[0] + 2 * p[0]; i++) {
      var linha = [];
      for (var j = 0; j < n[1] + 2 * p[1]; j++) {
        var a = i - p[0], b = j - p[1];
        linha.push(a >= 0 && a < n[0] && b >= 0 && b < n[1] ? st.X[a][b] : vazio);
      }
      Xp.push(linha);
    }
    var m = erro ? [0, 0] : formula;
    var Y = [];
    for (var oi = 0; oi < m[0]; oi++) {
      var lY = [];
      for (var oj = 0; oj < m[1]; oj++) lY.push(valor(Xp, oi, oj).valor);
      Y.push(lY);
    }
    return {formula: formula, erro: erro, Xp: Xp, m: m, Y: Y};
  }

  // Os termos da janela na posição (i, j) da saída e o valor que eles dão.
  function valor(Xp, i, j) {
    var r = i * st.s[0], c = j * st.s[1], termos = [], soma = 0, maximo = -Infinity;
    for (var a = 0; a < st.k[0]; a++) {
      for (var b = 0; b < st.k[1]; b++) {
        var x = Xp[r + a * st.d[0]][c + b * st.d[1]];
        if (st.modo === "correlacao") { soma += x * st.K[a][b]; termos.push([x, st.K[a][b]]); }
        else { soma += x; if (x > maximo) maximo = x; termos.push([x]); }
      }
    }
    var v = st.modo === "correlacao" ? soma : st.modo === "max" ? maximo : soma / (st.k[0] * st.k[1]);
    return {valor: v, termos: termos, linha: r, coluna: c, soma: soma};
  }

  function celula(tr, texto, classe) {
    var td = document.createElement("td");
    td.textContent = texto;
    if (classe) td.className = classe;
    tr.appendChild(td);
    return td;
  }

  function desenharTabela(tabela, linhas, colunas, texto, classe) {
    while (tabela.firstChild) tabela.removeChild(tabela.firstChild);
    var corpo = document.createElement("tbody");
    for (var i = 0; i < linhas; i++) {
      var tr = document.createElement("tr");
      for (var j = 0; j < colunas; j++) celula(tr, texto(i, j), classe(i, j));
      corpo.appendChild(tr);
    }
    tabela.appendChild(corpo);
  }

  function formulaTexto(e) {
    var n = st.n[e], k = st.k[e], p = st.p[e], s = st.s[e], d = st.d[e];
    var temD = CFG.controles.indexOf("d") >= 0 || st.d[0] > 1 || st.d[1] > 1;
    var simples = !temD && CFG.controles.indexOf("p") < 0 && CFG.controles.indexOf("s") < 0 &&
      st.p[0] === 0 && st.p[1] === 0 && st.s[0] === 1 && st.s[1] === 1;
    var v = resultado.formula[e];
    var menos = " " + MENOS + " ";
    if (simples) return n + menos + k + " + 1 = " + fmt(v);
    if (!temD) return "⌊(" + n + " + 2·" + p + menos + k + ")/" + s + "⌋ + 1 = " + fmt(v);
    return "⌊(" + n + " + 2·" + p + menos + d + "·(" + k + menos + "1)" + menos + "1)/" + s + "⌋ + 1 = " + fmt(v);
  }
  function formulaGeral() {
    var temD = CFG.controles.indexOf("d") >= 0 || st.d[0] > 1 || st.d[1] > 1;
    var simples = !temD && CFG.controles.indexOf("p") < 0 && CFG.controles.indexOf("s") < 0 &&
      st.p[0] === 0 && st.p[1] === 0 && st.s[0] === 1 && st.s[1] === 1;
    if (simples) return "n " + MENOS + " k + 1";
    if (!temD) return "⌊(n + 2p " + MENOS + " k)/s⌋ + 1";
    return "⌊(n + 2p " + MENOS + " d(k " + MENOS + " 1) " + MENOS + " 1)/s⌋ + 1";
  }

  function desenhar() {
    resultado = calcular();
    var total = resultado.m[0] * resultado.m[1];
    if (st.pos >= total) st.pos = total ? total - 1 : 0;
    var oi = total ? Math.floor(st.pos / resultado.m[1]) : -1, oj = total ? st.pos % resultado.m[1] : -1;
    var atual = total ? valor(resultado.Xp, oi, oj) : null;
    var usadas = {}, area = null;
    if (atual) {
      for (var a = 0; a < st.k[0]; a++)
        for (var b = 0; b < st.k[1]; b++) usadas[(atual.linha + a * st.d[0]) + "," + (atual.coluna + b * st.d[1])] = 1;
      area = [atual.linha, atual.coluna, st.d[0] * (st.k[0] - 1) + 1, st.d[1] * (st.k[1] - 1) + 1];
    }
    var n = st.n, p = st.p;
    desenharTabela(q('[data-cc="entrada"]'), n[0] + 2 * p[0], n[1] + 2 * p[1],
      function (i, j) { return fmt(resultado.Xp[i][j]); },
      function (i, j) {
        var classes = [];
        var a = i - p[0], b = j - p[1];
        if (!(a >= 0 && a < n[0] && b >= 0 && b < n[1])) classes.push("cc-pad");
        if (usadas[i + "," + j]) classes.push("cc-jan");
        else if (area && i >= area[0] && i < area[0] + area[2] && j >= area[1] && j < area[1] + area[3]) classes.push("cc-area");
        return classes.join(" ");
      });
    desenharTabela(q('[data-cc="nucleo"]'), st.k[0], st.k[1],
      function (i, j) { return fmt(st.K[i][j]); }, function () { return "cc-jan"; });
    q('[data-cc="bloco-nucleo"]').hidden = agrupamento();
    q('[data-cc="campo-textoK"]').hidden = agrupamento();
    desenharTabela(q('[data-cc="saida"]'), resultado.m[0], resultado.m[1],
      function (i, j) { return fmt(resultado.Y[i][j]); },
      function (i, j) { return i === oi && j === oj ? "cc-atual" : ""; });
    q('[data-cc="titulo"]').textContent = MODOS[st.modo];
    q('[data-cc="rotulo-entrada"]').textContent = p[0] || p[1]
      ? (st.modo === "max" ? "Entrada (preenchida com −∞, em cinza)" : "Entrada (preenchida com zeros, em cinza)")
      : "Entrada";
    q('[data-cc="erro"]').textContent = resultado.erro || "";
    var aviso = q('[data-cc="aviso"]');
    if (aviso) aviso.hidden = true;

    var posicao = q('[data-cc="posicao"]'), conta = q('[data-cc="conta"]');
    if (atual) {
      posicao.textContent = "Posição " + (st.pos + 1) + " de " + total + ": linha " + oi + ", coluna " + oj +
        " da saída (a janela começa na linha " + atual.linha + ", coluna " + atual.coluna +
        " da entrada" + (p[0] || p[1] ? " preenchida" : "") + "). Valor: " + fmt(atual.valor) + ".";
      var texto;
      if (st.modo === "correlacao") {
        texto = atual.termos.map(function (t) { return fmtTermo(t[0]) + "×" + fmtTermo(t[1]); }).join(" + ") +
          " = " + fmt(atual.valor);
      } else if (st.modo === "max") {
        texto = "máx(" + atual.termos.map(function (t) { return fmt(t[0]); }).join("; ") + ") = " + fmt(atual.valor);
      } else {
        texto = "(" + atual.termos.map(function (t) { return fmtTermo(t[0]); }).join(" + ") + ") / " +
          atual.termos.length + " = " + fmt(atual.soma) + " / " + atual.termos.length +
          (exato(atual.valor) ? " = " : " ≈ ") + fmt(atual.valor) +
          (p[0] || p[1] ? " (os zeros do preenchimento contam na divisão, como no PyTorch)" : "");
      }
      conta.textContent = texto;
    } else {
      posicao.textContent = "Nenhuma posição: a saída está vazia.";
      conta.textContent = "";
    }
    q('[data-cc="formula-geral"]').textContent = formulaGeral();
    q('[data-cc="formula-altura"]').textContent = formulaTexto(0);
    q('[data-cc="formula-largura"]').textContent = formulaTexto(1);
    var tab = q('[data-cc="saida"]');
    var linhas = tab.rows.length, colunas = linhas ? tab.rows[0].cells.length : 0;
    q('[data-cc="desenhada"]').textContent = linhas ? linhas + " × " + colunas : "nenhuma (0 × 0)";
    // Os campos mostram o estado; um campo recusado guarda o que a pessoa digitou, com o aviso ao lado.
    raiz.querySelectorAll("[data-cc-controle]").forEach(function (el) {
      var nome = el.getAttribute("data-cc-controle");
      if (nome === "modo") { el.value = st.modo; return; }
      if (el.getAttribute("aria-invalid") === "true") avisar(el, textoRecusado(el));
      else if (document.activeElement !== el) el.value = st[nome][+el.getAttribute("data-cc-eixo")];
    });
    var tX = q('[data-cc="textoX"]'), tK = q('[data-cc="textoK"]');
    if (document.activeElement !== tX) tX.value = st.X.map(function (l) { return l.join(" "); }).join("\n");
    if (document.activeElement !== tK) tK.value = st.K.map(function (l) { return l.join(" "); }).join("\n");
    raiz.setAttribute("data-estado", JSON.stringify(estado()));
  }

  function estado() {
    return {modo: st.modo, n: st.n, k: st.k, p: st.p, s: st.s, d: st.d, X: st.X, K: st.K,
            posicao: st.pos, formula: resultado.formula, erro: resultado.erro,
            saida: resultado.Y.map(function (l) { return l.map(function (v) { return v === -Infinity ? null : v; }); })};
  }

  function parar() {
    if (relogio) clearInterval(relogio);
    relogio = null;
    var botao = q('[data-cc-acao="tocar"]');
    botao.textContent = "Tocar";
    botao.setAttribute("aria-pressed", "false");
  }
  function andar(passo) {
    var total = resultado.m[0] * resultado.m[1];
    if (!total) return;
    st.pos = (st.pos + passo + total) % total;
    desenhar();
  }
  function tocar() {
    if (relogio) { parar(); return; }
    var total = resultado.m[0] * resultado.m[1];
    if (!total) return;
    if (st.pos >= total - 1) st.pos = 0;
    var botao = q('[data-cc-acao="tocar"]');
    botao.textContent = "Pausar";
    botao.setAttribute("aria-pressed", "true");
    desenhar();
    relogio = setInterval(function () {
      if (!raiz.isConnected) { parar(); return; }
      var t = resultado.m[0] * resultado.m[1];
      if (st.pos >= t - 1) { parar(); return; }
      andar(1);
    }, 900);
  }
  function sortear() {
    var f = faixaX();
    st.X = redimensionar([], st.n, f);
    if (!agrupamento()) st.K = redimensionar([], st.k, [-1, 2]);
    st.pos = 0;
    desenhar();
  }

  function lerMatriz(texto, rotulo, limiteLado) {
    var linhas = texto.split("\n").map(function (l) { return l.trim(); }).filter(function (l) { return l; });
    if (!linhas.length) throw rotulo + ": escreva pelo menos uma linha de números.";
    var M = linhas.map(function (l) {
      return l.split(/[\s;,]+/).map(function (t) {
        var v = Number(t.replace(MENOS, "-"));
        if (!/^[-\u2212]?\d+$/.test(t) || Math.abs(v) > CFG.limite_valor)
          throw rotulo + ": \"" + t + "\" não é um inteiro de −" + CFG.limite_valor + " a " + CFG.limite_valor + ".";
        return v;
      });
    });
    if (M.some(function (l) { return l.length !== M[0].length; }))
      throw rotulo + ": todas as linhas precisam ter a mesma quantidade de números.";
    if (M.length > limiteLado[1] || M[0].length > limiteLado[1])
      throw rotulo + ": no máximo " + limiteLado[1] + " linhas e " + limiteLado[1] + " colunas.";
    return M;
  }
  function aplicar() {
    var saidaErro = q('[data-cc="erro-edicao"]');
    try {
      var X = lerMatriz(q('[data-cc="textoX"]').value, "Entrada", CFG.limites.n);
      var K = agrupamento() ? st.K : lerMatriz(q('[data-cc="textoK"]').value, "Núcleo", CFG.limites.k);
      st.X = X; st.n = [X.length, X[0].length];
      if (!agrupamento()) { st.K = K; st.k = [K.length, K[0].length]; }
      saidaErro.textContent = "";
      st.pos = 0;
      desenhar();
    } catch (e) {
      if (typeof e !== "string") throw e;
      saidaErro.textContent = e;
    }
  }

  // O que a pessoa digita num campo é tomado exatamente ou recusado com um aviso ao lado do campo
  // (aria-invalid e aria-describedby, para o leitor de tela), nunca trocado por outro número.
  // Enquanto ela digita "11", o "1" do meio vale por um instante; se o número final é recusado,
  // o explorador volta ao que era antes da edição (o mesmo valor, a mesma entrada e o mesmo núcleo).
  var edicoes = {};
  function avisar(el, texto) {
    el.setAttribute("aria-invalid", texto ? "true" : "false");
    var aviso = document.getElementById(el.getAttribute("aria-describedby"));
    if (aviso && aviso.textContent !== (texto || "")) aviso.textContent = texto || "";
  }
  function textoRecusado(el) {
    var nome = el.getAttribute("data-cc-controle"), eixo = +el.getAttribute("data-cc-eixo");
    var lim = CFG.limites[nome], escrito = el.value.trim();
    var rotulo = el.labels && el.labels[0] ? el.labels[0].textContent : nome;
    return rotulo + ": escreva um número inteiro de " + lim[0] + " a " + lim[1] +
      (escrito ? " («" + escrito + "» fica de fora)" : "") + ". O explorador continua com " + st[nome][eixo] + ".";
  }
  function mudarControle(el, final) {
    var nome = el.getAttribute("data-cc-controle");
    if (nome === "modo") { st.modo = el.value; desenhar(); return; }
    var eixo = +el.getAttribute("data-cc-eixo"), chave = nome + eixo;
    var lim = CFG.limites[nome];
    if (!edicoes[chave]) edicoes[chave] = {valor: st[nome][eixo], X: st.X, K: st.K};
    var antes = edicoes[chave];
    if (final) delete edicoes[chave];
    var escrito = el.value.trim(), v = Number(escrito);
    var valido = /^[0-9]+$/.test(escrito) && v >= lim[0] && v <= lim[1];
    if (!valido) {
      // Campo vazio no meio da digitação: espera o número; ao sair do campo, é recusado também.
      if (!final && escrito === "" && !(el.validity && el.validity.badInput)) return;
      if (st[nome][eixo] !== antes.valor || st.X !== antes.X || st.K !== antes.K) {
        st[nome] = st[nome].slice();
        st[nome][eixo] = antes.valor;
        st.X = antes.X; st.K = antes.K;
        avisar(el, textoRecusado(el));
        desenhar();
      }
      avisar(el, textoRecusado(el));
      return;
    }
    avisar(el, "");
    if (st[nome][eixo] === v) return;
    st[nome] = st[nome].slice();
    st[nome][eixo] = v;
    if (nome === "n") st.X = redimensionar(antes.X, st.n, faixaX());
    if (nome === "k") st.K = redimensionar(antes.K, st.k, [-1, 2]);
    desenhar();
  }

  raiz.querySelectorAll("[data-cc-controle]").forEach(function (el) {
    el.addEventListener("input", function () { mudarControle(el, false); });
    el.addEventListener("change", function () { mudarControle(el, true); });
  });
  raiz.querySelectorAll("[data-cc-acao]").forEach(function (el) {
    el.addEventListener("click", function () {
      var acao = el.getAttribute("data-cc-acao");
      if (acao === "anterior") { parar(); andar(-1); }
      else if (acao === "proxima") { parar(); andar(1); }
      else if (acao === "tocar") tocar();
      else if (acao === "sortear") { parar(); sortear(); }
      else if (acao === "aplicar") { parar(); aplicar(); }
    });
  });

  desenhar();
  registro[id] = {raiz: raiz, estado: estado, desenhar: desenhar};
})();
