# Dois comandos fazem tudo numa máquina nova (veja o README):
#   make livro    instala o ambiente (.venv) e monta o site em _build/html
#   make testes   instala o ambiente (e o Chromium) e roda todos os testes
# E mais dois, para as aulas:
#   make alunos   gera em estudantes/ as lições sem soluções e sem saídas
#   make apostila gera _build/apostila-aluno.pdf (sem soluções) e
#                 _build/apostila-instrutor.pdf (com soluções)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# O Chromium do Debian abre o site nos testes e imprime a apostila (apt precisa de root).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: livro testes alunos apostila ambiente chromium limpar

livro: ambiente
	$(BIN)/jupyter-book build . --all -W --keep-going

testes: ambiente chromium
	CURSO_RAPIDO=1 $(BIN)/python -m pytest

alunos: ambiente
	$(BIN)/python ferramentas/versao_aluno.py --destino estudantes

apostila: ambiente chromium
	$(BIN)/jupyter-book build . --builder singlehtml -W --keep-going
	$(BIN)/python ferramentas/apostila.py _build/singlehtml _build

ambiente: $(VENV)/.instalado

$(VENV)/.instalado: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $@

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Instalando o Chromium do Debian (apt-get)..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; \
	fi

limpar:
	rm -rf _build
